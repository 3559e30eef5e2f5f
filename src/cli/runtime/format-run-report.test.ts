import { describe, expect, it } from "vitest";
import type { EngineOutcome } from "../../runtime/run-engine.js";
import { outcomeTable, recordDirectory, shorten } from "./format-run-report.js";

const DIR = "telemetry/v1/repos/acme-widgets/2026-12-05/01JF3Q8Z6ZB7Q4M0N2V5W8X9YA";
const anOutcome = (overrides: Partial<EngineOutcome> = {}): EngineOutcome => ({
  engine: "preflight",
  ok: true,
  summary: "preflight passed",
  record: "created",
  record_path: `${DIR}/preflight.json`,
  ...overrides,
});

describe("shorten", () => {
  it("never cuts a word in two: it stops at the last word that fits, then …", () => {
    const text = "preflight passed for acme/widgets (enforce): acme/widgets is registered and enabled";
    const short = shorten(text, 40);
    expect(short).toBe("preflight passed for acme/widgets…");
    expect(short.length).toBeLessThanOrEqual(40);
    expect(text.startsWith(short.slice(0, -1))).toBe(true);
  });

  it("leaves text that fits, and cuts one overlong word only when nothing else fits", () => {
    expect(shorten("No changes  required", 40)).toBe("No changes required");
    expect(shorten("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
  });
});

describe("the outcome table's record column", () => {
  it("shows each record by file name under the directory the caller names once", () => {
    const outcomes = [anOutcome(), anOutcome({ engine: "enforce", record_path: `${DIR}/enforce.json` })];
    expect(recordDirectory(outcomes)).toBe(DIR);
    const lines = outcomeTable(outcomes, { recordsUnder: DIR });
    expect(lines[1]).toMatch(/ preflight\.json$/);
    expect(lines.join("\n")).not.toContain("01JF3Q8Z6ZB7Q4M0N2V5W8X9YA");
    // Without it, the full path as before.
    expect(outcomeTable(outcomes)[1]).toContain(`${DIR}/preflight.json`);
  });

  it("names no directory when records are in different ones or none was written", () => {
    expect(
      recordDirectory([anOutcome(), anOutcome({ record_path: "elsewhere/enforce.json" })]),
    ).toBeUndefined();
    expect(recordDirectory([anOutcome({ record: "failed", record_path: undefined })])).toBeUndefined();
  });
});
