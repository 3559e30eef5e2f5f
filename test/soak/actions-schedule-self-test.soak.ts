import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HOST,
  jobResults,
  readRecord,
  recordPaths,
  startActionsWorld,
  writesIn,
  type ActionsWorld,
} from "../actions/support/actions-world.js";

/**
 * Scenario 2 through the real workflows (a soak test: two full runs, four engine jobs): the nightly
 * schedule validates the config, and a `workflow_dispatch` self-test runs self-test then dashboard.
 */
describe("schedule and workflow_dispatch through the installed dispatcher", () => {
  let world: ActionsWorld;
  beforeAll(async () => {
    world = await startActionsWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("schedule → plan → preflight → validate: the config is reported, nothing on the host changes", async () => {
    await world.github.resetStats();
    const run = await world.dispatch(HOST, "schedule", { schedule: "17 3 * * *" });
    expect(jobResults(run), run.log).toMatchObject({
      plan: "success",
      "preflight/preflight": "success",
      "validate/validate": "success",
      enforce: "skipped",
    });
    const dir = `telemetry/v1/repos/acme-widgets/<day>/${run.runId}-1`;
    expect((await recordPaths(world)).filter((path) => path.startsWith(dir))).toEqual([
      `${dir}/preflight.json`,
      `${dir}/validate.json`,
    ]);
    expect(await readRecord(world, `${dir}/validate.json`)).toMatchObject({
      ok: true,
      engine_name: "validate",
    });
    expect(writesIn(await world.github.stats())).toEqual([
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
  });

  it("workflow_dispatch self-test → self-test then dashboard, each with its record in the run's directory", async () => {
    const run = await world.dispatch(HOST, "workflow_dispatch", {
      inputs: { mode: "self-test", correlation_id: "" },
    });
    expect(jobResults(run), run.log).toMatchObject({
      plan: "success",
      "preflight/preflight": "success",
      "self-test/self-test": "success",
      "dashboard/dashboard": "success",
    });
    const dir = `telemetry/v1/repos/acme-widgets/<day>/${run.runId}-1`;
    expect((await recordPaths(world)).filter((path) => path.startsWith(dir))).toEqual([
      `${dir}/dashboard.json`,
      `${dir}/preflight.json`,
      `${dir}/self-test.json`,
    ]);
  });
});
