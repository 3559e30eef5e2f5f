import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GitHub } from "../../src/github/octokit.js";
import {
  BOT,
  CONFIG_PATH,
  startDispatchWorld,
  templateConfig,
  type DispatchWorld,
} from "./dispatch-world.js";

const OTHER = "labeler";
const OTHER_BOT = `${OTHER}[bot]`;

/**
 * The circuit breaker against the local GitHub: another App's bot keeps adding back a phase label
 * enforce prunes. Enforce answers it `--breaker-runs` times; the next run reads the issue's events
 * timeline, changes nothing and its record says the breaker opened. A person is never stopped.
 */
describe("circuit breaker on a ping-pong with another bot", () => {
  let world: DispatchWorld;
  let labeler: GitHub;

  beforeAll(async () => {
    const config = await templateConfig();
    world = await startDispatchWorld(
      [
        {
          name: "acme/widgets",
          files: { [CONFIG_PATH]: config },
          labels: ["phase-1", "phase-2"].map((name) => ({ name, color: "ededed" })),
          milestones: [{ title: "Phase 1 – Planning" }, { title: "Phase 2 – Build" }],
          issues: [
            { title: "Bots disagree", labels: ["phase-2"], milestone: "Phase 2 – Build" },
            { title: "A person insists", labels: ["phase-2"], milestone: "Phase 2 – Build" },
          ],
        },
      ],
      { otherApps: [OTHER] },
    );
    const installation = world.github.seeded!.installations.find(
      (candidate) =>
        candidate.account === "acme" &&
        candidate.app_id === world.github.seeded!.apps.find((app) => app.slug === OTHER)!.id,
    )!;
    const { token } = await world.github.admin<{ token: string }>("POST", "/_emulator/tokens", {
      installation_id: installation.id,
    });
    labeler = world.github.client(token);
  });
  afterAll(async () => {
    await world?.stop();
  });

  const labelsOf = async (issue: number) =>
    (
      await world.github.client().rest.issues.get({ owner: "acme", repo: "widgets", issue_number: issue })
    ).data.labels
      .map((label) => (typeof label === "string" ? label : label.name))
      .sort();

  /** `sender` adds phase-1 to the issue, then GitHub delivers the labeled event to the dispatcher. */
  async function addPhase1(issue: number, sender: string, client: GitHub, round: number) {
    await client.rest.issues.addLabels({
      owner: "acme",
      repo: "widgets",
      issue_number: issue,
      labels: ["phase-1"],
    });
    return world.dispatchJson(
      "issues",
      {
        action: "labeled",
        issue: { number: issue },
        label: { name: "phase-1" },
        sender: { login: sender },
        repository: { full_name: "acme/widgets" },
      },
      "acme/widgets",
      ["--correlation-id", `breaker-${issue}-${round}`, "--breaker-runs", "2", "--breaker-minutes", "30"],
    );
  }

  it("answers another bot twice, then stops and records why", async () => {
    for (const round of [1, 2]) {
      const { code, report } = await addPhase1(1, OTHER_BOT, labeler, round);
      expect(code).toBe(0);
      const record = await world.record(report.engines[0].record_path);
      expect(record.details.actions).toEqual([
        { id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] },
      ]);
      expect(record.details.checks.find((check) => check.id === "loop.circuit_breaker")).toEqual({
        id: "loop.circuit_breaker",
        outcome: "PASS",
        details: { rounds: round - 1, max_runs: 2, window_minutes: 30 },
      });
      expect(await labelsOf(1)).toEqual(["phase-2"]);
    }

    await world.github.resetStats();
    const { code, report } = await addPhase1(1, OTHER_BOT, labeler, 3);
    expect(code).toBe(1);
    const record = await world.record(report.engines[0].record_path);
    expect(record.ok).toBe(false);
    expect(record.details.summary).toBe("Circuit breaker open on #1: nothing changed");
    expect(record.event.reason).toBe("Circuit breaker open on #1: nothing changed");
    expect(record.details.actions).toEqual([]);
    expect(record.details.checks.at(-1)).toEqual({
      id: "loop.circuit_breaker",
      outcome: "FAIL",
      details: {
        message: `${BOT} already answered ${OTHER_BOT} 2 times on this issue in the last 30 minutes (limit 2); not changing it again until the bots agree`,
        rounds: 2,
        other_bots: [OTHER_BOT],
        max_runs: 2,
        window_minutes: 30,
      },
    });
    // The other bot's label stays: the ping-pong is over; the only write is the other bot's own.
    expect(await labelsOf(1)).toEqual(["phase-1", "phase-2"]);
    const stats = await world.github.stats();
    expect(
      stats.requests
        .filter((r) => r.method !== "GET" && /\/issues\//.test(r.route))
        .map((r) => `${r.method} ${r.route}`),
    ).toEqual(["POST /repos/{owner}/{repo}/issues/{issue_number}/labels"]);
  });

  it("never stops answering a person", async () => {
    const person = world.github.client();
    for (const round of [1, 2, 3]) {
      const { code } = await addPhase1(2, "ada", person, round);
      expect(code).toBe(0);
      expect(await labelsOf(2)).toEqual(["phase-2"]);
    }
  });
});
