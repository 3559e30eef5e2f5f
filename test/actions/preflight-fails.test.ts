import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MAINTAINER_TOKEN,
  PAUSED,
  jobResults,
  readRecord,
  recordPaths,
  startActionsWorld,
  writesIn,
  type ActionsWorld,
  openTwoPhaseIssue,
  labeledPayload,
} from "./support/actions-world.js";

/**
 * Scenario 3 through the real workflows: the registry says acme/paused is disabled. Preflight records
 * the refusal and its job ends cleanly with ok=false and a notice in the job summary (a disabled
 * repository is a decision, not a failure on every issue event); no engine job runs, and nothing
 * but that record is written.
 */
describe("preflight fails for a disabled repository", () => {
  let world: ActionsWorld;
  beforeAll(async () => {
    world = await startActionsWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("ends cleanly, runs no engine job and leaves preflight's ok=false record naming the registry's answer", async () => {
    const issue = await openTwoPhaseIssue(world, PAUSED);
    await world.github.resetStats();
    const run = await world.dispatch(PAUSED, "issues", labeledPayload(issue));
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
      enforce: "skipped",
      "self-test": "skipped",
      dashboard: "skipped",
    });
    expect(run.conclusion).toBe("success");
    expect(run.log).toContain(
      "notice: Task Assistant does not run in acme/paused: the registry answers DISABLED",
    );
    const dir = `telemetry/v1/repos/acme-paused/<day>/${run.runId}-1`;
    expect(await recordPaths(world)).toEqual([`${dir}/preflight.json`]);
    const record = await readRecord(world, `${dir}/preflight.json`);
    expect(record).toMatchObject({ ok: false, engine_name: "preflight", event: { action: "failure" } });
    expect(record.event.reason).toMatch(/disabled/i);
    // The issue is as it was, and the record is the only write.
    const { data } = await world.github
      .client(MAINTAINER_TOKEN)
      .rest.issues.get({ owner: "acme", repo: "paused", issue_number: issue });
    expect(data.labels.map((label) => (typeof label === "string" ? label : label.name)).sort()).toEqual([
      "phase-1",
      "phase-2",
    ]);
    expect(writesIn(stats)).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
  });
});
