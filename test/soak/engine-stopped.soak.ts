import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunResult, RunWorkflowOptions } from "../../src/actions-runner/run-types.js";
import {
  HOST,
  expectEnforceFailureRecord,
  jobAt,
  startActionsWorld,
  type ActionsWorld,
  openTwoPhaseIssue,
  labeledPayload,
} from "../actions/support/actions-world.js";

/** This process's descendants (pid → command line), from /proc. */
async function descendants(pid: number): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const visit = async (parent: number): Promise<void> => {
    let tasks: string[];
    try {
      tasks = await readdir(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      const children = await readFile(`/proc/${parent}/task/${task}/children`, "utf8").catch(() => "");
      for (const child of children.split(" ").filter(Boolean).map(Number)) {
        const command = await readFile(`/proc/${child}/cmdline`, "utf8").catch(() => "");
        found.set(child, command.split("\0").join(" "));
        await visit(child);
      }
    }
  };
  await visit(pid);
  return found;
}

/**
 * Scenario 4 through the real workflows: enforce is stopped before it can record its outcome — its
 * process is killed (a crash), or the run is cancelled. Either way the engine workflow's last step
 * (`if: failure() || cancelled()`) gives enforce its ok=false record beside preflight's, naming the
 * cause: crashed, timeout (the runner stopped it without a cancellation) or cancelled.
 */
describe("an engine stopped before it records its outcome", () => {
  let world: ActionsWorld;
  beforeAll(async () => {
    world = await startActionsWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** Starts a labeled run whose enforce hangs on reading its issue; `stop` is called once it does. */
  async function stoppedRun(
    stop: (cancel: () => void) => Promise<void>,
    overrides: Partial<RunWorkflowOptions> = {},
  ): Promise<RunResult> {
    const issue = await openTwoPhaseIssue(world);
    await world.github.addFaults({
      route: "GET /repos/{owner}/{repo}/issues/{issue_number}",
      latency_ms: 30_000,
      count: 1,
    });
    let reached!: () => void;
    const inEnforce = new Promise<void>((resolve) => (reached = resolve));
    const handle = await world.start(HOST, "issues", labeledPayload(issue), {
      log: (line) => (line.includes("enforce/enforce] ▶ Run enforce") ? reached() : undefined),
      ...overrides,
    });
    await inEnforce;
    // Let the engine reach its (delayed) read of the issue.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await stop(() => handle.cancel());
    const result = await handle.result;
    await world.github.clearFaults();
    return result;
  }

  async function expectStandInRecord(result: RunResult, status: string, cause: string) {
    const enforce = jobAt(result, "enforce/enforce");
    expect(
      enforce?.steps.map((step) => `${step.name}: ${step.conclusion}`),
      result.log,
    ).toEqual([
      "Find the commit of this workflow: success",
      "Check out Task Assistant at this workflow's commit: success",
      `Run enforce: ${status === "cancelled" ? "cancelled" : "failure"}`,
      "Check out Task Assistant again to record the failure: skipped",
      "Record enforce's failure if it left no record: success",
    ]);
    await expectEnforceFailureRecord(world, result, cause);
  }

  it("its process is killed (a crash): the job fails and enforce still has its ok=false record", async () => {
    const result = await stoppedRun(async () => {
      const engines = [...(await descendants(process.pid))].filter(
        ([, command]) =>
          command.includes("engine run enforce") &&
          !command.includes("--record-failure") &&
          command.includes("release/task-assistant.mjs"),
      );
      expect(engines).toHaveLength(1);
      process.kill(engines[0][0], "SIGKILL");
    });
    expect(result.conclusion).toBe("failure");
    await expectStandInRecord(result, "failure", "crashed");
  });

  it("the job exceeds its timeout-minutes: enforce still has its ok=false record", async () => {
    // One minute lasts 1.2 s here: plan's and preflight's 10 minutes are 12 s, enforce's 15 are 18 s,
    // and enforce waits 30 s for its issue.
    const result = await stoppedRun(() => Promise.resolve(), { timeoutMinuteMs: 1_200 });
    expect(result.conclusion).toBe("failure");
    const enforce = jobAt(result, "enforce/enforce");
    expect(enforce?.reason).toBe("the job exceeded its timeout of 18.0 s");
    expect(enforce?.steps[2].outputs).toMatchObject({ stopped_by: "signal" });
    await expectStandInRecord(result, "failure", "timeout");
  });

  it("the run is cancelled: enforce still has its ok=false record", async () => {
    const result = await stoppedRun((cancel) => {
      cancel();
      return Promise.resolve();
    });
    expect(result.conclusion).toBe("cancelled");
    await expectStandInRecord(result, "cancelled", "cancelled");
  });
});
