import { describe, expect, it } from "vitest";
import { evaluateCondition, evaluateExpression } from "./evaluate-expression.js";

const running = { success: true, failure: false, cancelled: false };

describe("evaluateExpression", () => {
  it("unescapes every doubled quote of a string literal, as GitHub does", () => {
    expect(evaluateExpression("format('a ''{0}'' b ''c''', 1)", {}, running)).toBe("a '1' b 'c'");
  });

  it("answers status functions as the runner says and reads contexts case-insensitively", () => {
    const contexts = { needs: { Plan: { outputs: { mode: "enforce" } } } };
    expect(evaluateCondition("always() && needs.plan.outputs.mode == 'ENFORCE'", contexts, running)).toBe(
      true,
    );
    expect(evaluateCondition("failure()", contexts, running)).toBe(false);
    expect(
      evaluateCondition("cancelled() || success()", contexts, {
        success: false,
        failure: true,
        cancelled: false,
      }),
    ).toBe(false);
  });
});
