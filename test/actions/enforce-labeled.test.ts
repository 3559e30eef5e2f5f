import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HOST,
  RELEASE,
  jobResults,
  readRecord,
  recordPaths,
  startActionsWorld,
  writesIn,
  type ActionsWorld,
  openTwoPhaseIssue,
} from "./support/actions-world.js";

/**
 * Scenario 1 through the real workflows: a maintainer's `issues.labeled` event on an issue with two
 * phase labels runs the host's thin caller → dispatch.yml at the channel → plan → preflight → enforce
 * (each a real job running the bundled release of its workflow's commit, nothing installed), the
 * broker hands out the tokens, the issue is fixed and the run
 * leaves two records in one correlation directory. The App's own label change then starts nothing.
 */
describe("issues.labeled through the installed dispatcher and the engine workflows", () => {
  let world: ActionsWorld;
  let issue: number;
  beforeAll(async () => {
    world = await startActionsWorld();
    issue = await openTwoPhaseIssue(world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("fixes the issue, writes preflight's and enforce's records into one correlation directory", async () => {
    await world.github.resetStats();
    const run = await world.dispatch(HOST, "issues", {
      action: "labeled",
      issue: { number: issue, labels: [{ name: "phase-1" }, { name: "phase-2" }] },
      label: { name: "phase-2" },
      sender: { login: "alice", type: "User" },
    });
    const stats = await world.github.stats();

    expect(jobResults(run), run.log).toEqual({
      "task-assistant": "success",
      fork: "skipped",
      plan: "success",
      preflight: "success",
      "preflight/preflight": "success",
      validate: "skipped",
      materialize: "skipped",
      reconcile: "skipped",
      enforce: "success",
      "enforce/enforce": "success",
      "self-test": "skipped",
      dashboard: "skipped",
    });
    const { data } = await world.github
      .client()
      .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: issue });
    expect(data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual(["phase-2"]);
    expect(data.milestone?.title).toBe("Phase 2 – Build");

    const correlation = `${run.runId}-1`;
    const dir = `telemetry/v1/repos/acme-widgets/<day>/${correlation}`;
    expect(await recordPaths(world)).toEqual([`${dir}/enforce.json`, `${dir}/preflight.json`]);
    const enforce = await readRecord(world, `${dir}/enforce.json`);
    expect(enforce).toMatchObject({
      ok: true,
      engine_ref: RELEASE,
      correlation_id: correlation,
      source: {
        runner: "github-actions",
        workflow: "engine-enforce",
        job: "enforce",
        run_id: String(run.runId),
        run_attempt: "1",
      },
    });
    expect(enforce.details.actions).toEqual([
      expect.objectContaining({ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }),
      expect.objectContaining({ id: "issue.milestone.set", to: "Phase 2 – Build" }),
    ]);
    // The removed label, the milestone and two records: nothing else was written.
    expect(writesIn(stats)).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    // Every token came from the broker, each engine job's own.
    expect(
      world.brokerLog.map(
        (line) => `${String(line.endpoint)} ${String(line.engine)} ${String(line.outcome)}`,
      ),
    ).toContain("installation-token enforce granted");
  });

  it("the App's own label change (sender task-assistant[bot]) starts no engine", async () => {
    await world.github.resetStats();
    const before = await recordPaths(world);
    const run = await world.dispatch(HOST, "issues", {
      action: "unlabeled",
      issue: { number: issue, labels: [{ name: "phase-2" }] },
      label: { name: "phase-1" },
      sender: { login: "task-assistant[bot]", type: "Bot" },
    });
    // The host's one job is skipped: the dispatcher workflow is not even called.
    expect(jobResults(run)).toEqual({ "task-assistant": "skipped" });
    expect(await recordPaths(world)).toEqual(before);
    expect(writesIn(await world.github.stats())).toEqual([]);
  });
});
