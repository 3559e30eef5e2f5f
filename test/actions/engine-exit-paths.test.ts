import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult } from "../../src/actions-runner/run-types.js";
import { startBrokerOutage, type BrokerOutage } from "./support/broker-outage.js";
import {
  HOST,
  expectEnforceFailureRecord,
  jobAt,
  labeledPayload,
  openTwoPhaseIssue,
  startActionsWorld,
  type ActionsWorld,
} from "./support/actions-world.js";

/**
 * An engine job that fails before its engine starts still leaves exactly one ok=false record naming
 * the cause, beside preflight's: the first checkout of the release fails (one fetch answered 503 by
 * the local GitHub's git endpoint), or the engine's token exchange fails (the broker answers 503
 * once). The engine workflow's last steps check out again and record the failure.
 */
describe("an engine job that fails before its engine starts", () => {
  let world: ActionsWorld;
  let outage: BrokerOutage;
  let home: string;
  beforeAll(async () => {
    world = await startActionsWorld();
    outage = await startBrokerOutage(world.broker.url);
    home = await mkdtemp(join(tmpdir(), "exit-paths-home-"));
  });
  afterAll(async () => {
    await outage?.stop();
    await world?.stop();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  /** Runs a labeled event; `arm` is called once, when the enforce job starts. */
  async function labeledRun(arm: () => Promise<void>): Promise<RunResult> {
    const issue = await openTwoPhaseIssue(world);
    let armed: Promise<void> | undefined;
    const handle = await world.start(HOST, "issues", labeledPayload(issue), {
      baseEnv: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        LANG: "C.UTF-8",
        TA_TOKEN_BROKER_URL: outage.url,
      },
      log: (line) => {
        if (armed === undefined && line.includes("enforce/enforce] ▶ Find the commit of this workflow"))
          armed = arm();
      },
    });
    const result = await handle.result;
    await armed;
    await world.github.clearFaults();
    return result;
  }

  it("its checkout fails once: the job checks out again and records enforce's failure [checkout]", async () => {
    const result = await labeledRun(() =>
      world.github.addFaults({ route: "POST /{owner}/{repo}/git-upload-pack", status: 503, count: 1 }),
    );
    expect(result.conclusion).toBe("failure");
    const enforce = jobAt(result, "enforce/enforce");
    expect(
      enforce?.steps.map((step) => `${step.name}: ${step.conclusion}`),
      result.log,
    ).toEqual([
      "Find the commit of this workflow: success",
      "Check out Task Assistant at this workflow's commit: failure",
      "Run enforce: skipped",
      "Check out Task Assistant again to record the failure: success",
      "Record enforce's failure if it left no record: success",
    ]);
    expect(enforce?.steps[1].log).toContain("503");
    await expectEnforceFailureRecord(world, result, "checkout");
  });

  it("its token exchange fails once: enforce does not run, and the job records its failure [token]", async () => {
    const result = await labeledRun(() => {
      outage.failNext("engine-enforce.yml", 1);
      return Promise.resolve();
    });
    expect(outage.failed()).toBe(1);
    expect(result.conclusion).toBe("failure");
    const enforce = jobAt(result, "enforce/enforce");
    expect(
      enforce?.steps.map((step) => `${step.name}: ${step.conclusion}`),
      result.log,
    ).toEqual([
      "Find the commit of this workflow: success",
      "Check out Task Assistant at this workflow's commit: success",
      "Run enforce: failure",
      "Check out Task Assistant again to record the failure: skipped",
      "Record enforce's failure if it left no record: success",
    ]);
    expect(enforce?.steps[2].outputs).toEqual({ stopped_by: "token" });
    await expectEnforceFailureRecord(world, result, "token");
  });
});
