import { describe, expect, it } from "vitest";
import { parseDeadline } from "./parse-deadline.js";
import { formatDuration } from "./write-attempts.js";

describe("parseDeadline", () => {
  it("reads minutes, seconds, milliseconds, hours and bare seconds", () => {
    expect(parseDeadline("10m")).toBe(600_000);
    expect(parseDeadline("2min")).toBe(120_000);
    expect(parseDeadline("90s")).toBe(90_000);
    expect(parseDeadline("1500ms")).toBe(1_500);
    expect(parseDeadline("1h")).toBe(3_600_000);
    expect(parseDeadline(" 45 ")).toBe(45_000);
    expect(parseDeadline("1.5m")).toBe(90_000);
  });

  it("refuses what is not a positive duration", () => {
    for (const text of ["", "soon", "-5s", "0", "10 days", "5sm"])
      expect(parseDeadline(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it("says durations as people read them, rounding what no one reads to the millisecond", () => {
    expect(
      [250, 1_000, 1_530, 59_960, 90_000, 240_000, 359_998, 600_000, -5].map((ms) => formatDuration(ms)),
    ).toEqual(["250 ms", "1 s", "1.5 s", "60 s", "1 min 30 s", "4 min", "6 min", "10 min", "0 ms"]);
  });
});
