import { describe, expect, it } from "vitest";
import { attemptCorrelationId, CORRELATION_ID_PATTERN } from "./correlation-id.js";

describe("attemptCorrelationId", () => {
  const run = (attempt: string) => ({ run_id: "9187", run_attempt: attempt });

  it("keeps the id of a first attempt and of runs outside Actions", () => {
    expect(attemptCorrelationId("9187-1", run("1"))).toBe("9187-1");
    expect(attemptCorrelationId("01JABCDEF", undefined)).toBe("01JABCDEF");
  });

  it("moves an id generated for an earlier attempt of the run to this attempt (re-run failed jobs)", () => {
    expect(attemptCorrelationId("9187-1", run("2"))).toBe("9187-2");
    expect(attemptCorrelationId("9187-2", run("3"))).toBe("9187-3");
    expect(attemptCorrelationId("9187-3", run("3"))).toBe("9187-3");
  });

  it("suffixes an operator's id, and another run's generated id, with the attempt", () => {
    expect(attemptCorrelationId("nightly", run("2"))).toBe("nightly-attempt-2");
    expect(attemptCorrelationId("1234-1", run("2"))).toBe("1234-1-attempt-2");
  });

  it("stays a valid correlation id when the given one is as long as allowed", () => {
    const id = attemptCorrelationId("a".repeat(128), run("12"));
    expect(id).toHaveLength(128);
    expect(id.endsWith("-attempt-12")).toBe(true);
    expect(CORRELATION_ID_PATTERN.test(id)).toBe(true);
  });
});
