import { describe, expect, it } from "vitest";
import { runKillRounds } from "../support/emulator-kill-rounds.js";

describe("the local GitHub after many kill -9s (soak)", () => {
  it("loses no acknowledged write and reuses no issue number over 40 rounds", async () => {
    const report = await runKillRounds({
      rounds: 40,
      writers: 12,
      killAfterMs: [20, 1500],
      compactBytes: 65_536,
    });
    console.log(
      `kill rounds: ${report.rounds}, acknowledged creates ${report.acknowledgedCreates}, acknowledged label adds ${report.acknowledgedLabels}, writes cut off by the kill ${report.unacknowledged}, problems ${report.problems.length}`,
    );
    expect(report.problems).toEqual([]);
    expect(report.acknowledgedCreates).toBeGreaterThan(report.rounds);
  }, 600_000);
});
