import { describe, expect, it } from "vitest";
import { recordWarnings } from "./record-warnings.js";

describe("recordWarnings", () => {
  it("lists the WARN and FAIL checks of a record with their labels, and nothing else", () => {
    const record = {
      details: {
        checks: [
          { id: "issue.load", outcome: "PASS", details: { labels: ["a"] } },
          {
            id: "priority.exclusive.violation",
            outcome: "WARN",
            details: { labels: ["priority/high", "priority/low"], mode: "warn" },
          },
          { id: "track.exclusive.violation", outcome: "FAIL", details: { labels: ["track/a", "track/b"] } },
          { id: "phase.milestone.map", outcome: "WARN", details: { label: "phase-9" } },
        ],
      },
    };
    expect(recordWarnings(record)).toEqual([
      "priority.exclusive.violation (priority/high, priority/low)",
      "track.exclusive.violation FAIL (track/a, track/b)",
      "phase.milestone.map",
    ]);
  });

  it("reads nothing from a record without checks", () => {
    expect(recordWarnings({ details: {} })).toEqual([]);
    expect(recordWarnings(null)).toEqual([]);
  });
});
