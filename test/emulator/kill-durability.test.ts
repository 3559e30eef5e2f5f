import { describe, expect, it } from "vitest";
import { runKillRounds } from "../support/emulator-kill-rounds.js";

describe("the local GitHub after kill -9", () => {
  it("has every acknowledged issue create and label add, and never hands out a number twice", async () => {
    // A small compaction threshold, so some kills land while the journal is being compacted.
    const report = await runKillRounds({
      rounds: 3,
      writers: 8,
      killAfterMs: [150, 700],
      compactBytes: 16_384,
    });
    expect(report.problems).toEqual([]);
    // The rounds did write: an empty run would prove nothing.
    expect(report.acknowledgedCreates).toBeGreaterThan(report.rounds);
    expect(report.acknowledgedLabels).toBeGreaterThan(0);
  });
});
