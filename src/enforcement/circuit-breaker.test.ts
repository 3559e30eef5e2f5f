import { describe, expect, it } from "vitest";
import { evaluateCircuitBreaker, type TimelineEvent } from "./circuit-breaker.js";

const GUARD = { app_slug: "task-assistant", max_runs: 3, window_minutes: 10 };
const NOW = new Date("2026-12-05T12:00:00Z");

/** One change `minutesAgo` before NOW by `actor`. */
const change = (actor: string, minutesAgo: number, event = "labeled"): TimelineEvent => ({
  event,
  actor,
  actor_is_bot: actor.endsWith("[bot]"),
  created_at: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
});

/** `rounds` exchanges: the other bot changes a label, we answer with two changes (one run). */
function pingPong(rounds: number, other = "labeler[bot]", startMinutesAgo = 9): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const at = startMinutesAgo - round;
    events.push(
      change(other, at),
      change("task-assistant[bot]", at - 0.2, "unlabeled"),
      change("task-assistant[bot]", at - 0.3, "milestoned"),
    );
  }
  return events;
}

describe("evaluateCircuitBreaker", () => {
  it("opens when another bot changes the issue again after N answered rounds in the window", () => {
    const verdict = evaluateCircuitBreaker([...pingPong(3), change("labeler[bot]", 1)], GUARD, NOW);
    expect(verdict).toMatchObject({ open: true, rounds: 3, other_bots: ["labeler[bot]"] });
    expect(verdict.open && verdict.message).toContain("answered labeler[bot] 3 times");
  });

  it("stays closed below N rounds", () => {
    expect(evaluateCircuitBreaker([...pingPong(2), change("labeler[bot]", 1)], GUARD, NOW)).toEqual({
      open: false,
      rounds: 2,
    });
  });

  it("counts only rounds inside the window", () => {
    const old = pingPong(3, "labeler[bot]", 40);
    expect(evaluateCircuitBreaker([...old, change("labeler[bot]", 1)], GUARD, NOW).open).toBe(false);
  });

  it("lets a person's change through: people never trip it", () => {
    expect(evaluateCircuitBreaker([...pingPong(5), change("alice", 1)], GUARD, NOW).open).toBe(false);
    const withPeople = [0, 1, 2, 3, 4].flatMap((round) => [
      change("alice", 9 - round),
      change("task-assistant[bot]", 8.5 - round, "unlabeled"),
    ]);
    expect(evaluateCircuitBreaker([...withPeople, change("alice", 1)], GUARD, NOW)).toEqual({
      open: false,
      rounds: 0,
    });
  });

  it("ignores events that change neither labels nor the milestone, and reads an unsorted timeline", () => {
    const events = [...pingPong(3), change("labeler[bot]", 1), change("labeler[bot]", 0.5, "commented")];
    expect(evaluateCircuitBreaker(events.reverse(), GUARD, NOW).open).toBe(true);
  });
});
