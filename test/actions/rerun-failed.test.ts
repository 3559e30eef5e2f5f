import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rerun } from "../../src/actions-runner/run-workflow.js";
import {
  HOST,
  MAINTAINER_TOKEN,
  allJobs,
  jobAt,
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
 * Scenario 5 through the real workflows: enforce fails (GitHub answers 502 to its issue write), the
 * maintainer uses "Re-run failed jobs". The re-run reuses plan's outputs — attempt 1's correlation
 * id — yet the engine of attempt 2 writes its own record beside nothing of attempt 1: no
 * ImmutableRecordConflict, and the telemetry shows each attempt.
 */
describe("re-run failed jobs after a failed engine", () => {
  let world: ActionsWorld;
  beforeAll(async () => {
    world = await startActionsWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("attempt 2 re-runs only enforce, which fixes the issue and records under the attempt's own correlation id", async () => {
    const issue = await openTwoPhaseIssue(world);
    await world.github.addFaults({
      route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
      status: 502,
      count: 50,
    });
    const first = await world.dispatch(HOST, "issues", labeledPayload(issue));
    await world.github.clearFaults();
    expect(jobResults(first), first.log).toMatchObject({
      plan: "success",
      "preflight/preflight": "success",
      "enforce/enforce": "failure",
    });
    // The engine recorded its own failure; the workflow's failure step leaves that record as it is.
    const failedJob = jobAt(first, "enforce/enforce");
    expect(failedJob?.steps.at(-1)?.log).toContain("enforce had already written its own record; it stands");
    const run = first.runId;
    const one = `telemetry/v1/repos/acme-widgets/<day>/${run}-1`;
    expect(await recordPaths(world)).toEqual([`${one}/enforce.json`, `${one}/preflight.json`]);
    const failed = await readRecord(world, `${one}/enforce.json`);
    expect(failed).toMatchObject({ ok: false, correlation_id: `${run}-1`, source: { run_attempt: "1" } });

    await world.github.resetStats();
    const second = await rerun(first, { failedOnly: true }).result;
    const stats = await world.github.stats();
    expect(second.runAttempt).toBe(2);
    expect(jobResults(second), second.log).toMatchObject({
      plan: "success",
      preflight: "success",
      "enforce/enforce": "success",
    });
    expect(
      allJobs(second)
        .filter((job) => job.reused)
        .map((job) => job.key),
    ).toEqual(["task-assistant/plan", "task-assistant/preflight"]);
    const enforceLog =
      jobAt(second, "enforce/enforce")?.steps.find((step) => step.name === "Run enforce")?.log ?? "";
    expect(enforceLog).not.toContain("ImmutableRecordConflict");
    expect(enforceLog).toContain(`writes its record under correlation id ${run}-2 (given ${run}-1)`);

    const two = `telemetry/v1/repos/acme-widgets/<day>/${run}-2`;
    expect(await recordPaths(world)).toEqual([
      `${one}/enforce.json`,
      `${one}/preflight.json`,
      `${two}/enforce.json`,
    ]);
    expect(await readRecord(world, `${two}/enforce.json`)).toMatchObject({
      ok: true,
      correlation_id: `${run}-2`,
      source: { run_id: String(run), run_attempt: "2" },
    });
    // Attempt 1's records are as they were.
    expect(await readRecord(world, `${one}/enforce.json`)).toEqual(failed);
    const { data } = await world.github
      .client(MAINTAINER_TOKEN)
      .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: issue });
    expect(data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual(["phase-2"]);
    expect(writesIn(stats)).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×1",
    ]);
  });
});
