import { describe, expect, it } from "vitest";
import type { EngineResult } from "../runtime/engine.js";
import { checkEngineResult } from "./check-record.js";
import { failureOutcome, resultFileOutcome, resultOutcome } from "./result-outcome.js";

const aResult = (overrides: Partial<EngineResult> = {}): EngineResult => ({
  tool: "validate",
  version: "1.0.0",
  ok: true,
  summary: "config valid",
  checks: [{ id: "schema", outcome: "PASS" }],
  actions: [],
  ...overrides,
});

const file = (bytes: string | Uint8Array | undefined) =>
  resultFileOutcome({ file: "out/result.json", bytes, engine_name: "validate", version: "v1.4.0" });

describe("resultFileOutcome", () => {
  it("passes a valid result through unchanged", () => {
    expect(file(JSON.stringify(aResult()))).toEqual({ ok: true, reason: null, details: aResult() });
  });

  it("uses the summary of a failed result as the reason", () => {
    const failed = aResult({ ok: false, summary: "2 errors in .github/task-assistant.yml" });
    expect(file(JSON.stringify(failed))).toEqual({ ok: false, reason: failed.summary, details: failed });
  });

  it.each([
    ["missing", undefined, "result file out/result.json is missing: validate wrote no result"],
    ["empty", "  \n", "result file out/result.json is empty: validate wrote no result"],
    ["not JSON", "{ok:", "result file out/result.json is not valid JSON at line 1, column 2"],
    ["not UTF-8", new Uint8Array([0xff, 0xfe, 0x00]), "result file out/result.json is not UTF-8 text"],
    ["an array", "[]", "result file out/result.json is invalid: (document): result must be object"],
    [
      "incomplete",
      '{"ok":true}',
      "result file out/result.json is invalid: /tool: result is missing tool (and 4 more)",
    ],
  ])("turns a %s result file into one ok=false outcome naming the problem", (_name, bytes, reason) => {
    const outcome = file(bytes);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason?.startsWith(reason)).toBe(true);
    expect(outcome.details).toMatchObject({
      tool: "validate",
      version: "v1.4.0",
      ok: false,
      summary: outcome.reason,
      actions: [],
    });
    expect(outcome.details.checks).toHaveLength(1);
    expect(outcome.details.checks[0].outcome).toBe("FAIL");
    // The stand-in result is itself a valid result, so it can be stored.
    expect(checkEngineResult(outcome.details)).toEqual([]);
  });

  it("never quotes the text of a file that is not JSON in the reason", () => {
    const outcome = file("ghp_SUPERSECRET0123456789\n");
    expect(outcome.reason).toBe("result file out/result.json is not valid JSON at line 1, column 1");
    expect(JSON.stringify(outcome)).not.toContain("ghp_");
  });

  it("never stores forbidden content: owner+repo deep inside or a top-level event becomes a failure", () => {
    const sneaky = aResult({ actions: [{ id: "a" }, { id: "b", target: { owner: "other", repo: "x" } }] });
    const outcome = file(JSON.stringify(sneaky));
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toContain("/actions/1/target");
    expect(JSON.stringify(outcome.details)).not.toContain('"other"');
    expect(resultOutcome({ ...aResult(), event: "labeled" }, { engine_name: "validate" }).reason).toContain(
      "/event",
    );
  });
});

describe("failureOutcome", () => {
  it("describes a crashed engine with one failing check", () => {
    expect(failureOutcome({ engine_name: "enforce" }, "enforce crashed: TypeError: x is undefined")).toEqual({
      ok: false,
      reason: "enforce crashed: TypeError: x is undefined",
      details: {
        tool: "enforce",
        version: "unknown",
        ok: false,
        summary: "enforce crashed: TypeError: x is undefined",
        checks: [{ id: "engine.completed", outcome: "FAIL" }],
        actions: [],
      },
    });
  });
});
