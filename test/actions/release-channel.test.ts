import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHANNEL,
  HOST,
  RELEASE,
  labeledPayload,
  openTwoPhaseIssue,
  readRecord,
  startActionsWorld,
  type ActionsWorld,
} from "./support/actions-world.js";

/**
 * A release made in the local GitHub with the real tooling (`release prepare` + `release publish`:
 * tag and channel), a host that follows it with no commit of its own, and a rollback (the channel
 * moved back): every run's records name the engine_ref it ran.
 */
describe("hosts follow the channel: a new release and a rollback, with no host commit", () => {
  let world: ActionsWorld;
  beforeAll(async () => {
    world = await startActionsWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  async function hostHead(): Promise<string> {
    const { data } = await world.github
      .client()
      .rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" });
    return data.commit.sha;
  }

  /** Runs a labeled event and answers the engine_ref enforce recorded. */
  async function enforceRecord(): Promise<{ engine_ref: string; ok: boolean }> {
    const issue = await openTwoPhaseIssue(world);
    const run = await world.dispatch(HOST, "issues", labeledPayload(issue));
    expect(run.conclusion, run.log).toBe("success");
    const dir = `telemetry/v1/repos/acme-widgets/<day>/${run.runId}-1`;
    const record = (await readRecord(world, `${dir}/enforce.json`)) as unknown as {
      engine_ref: string;
      ok: boolean;
    };
    return { engine_ref: record.engine_ref, ok: record.ok };
  }

  it("runs v1.1.0 once it is published to v1, then v1.0.0 again after the rollback", async () => {
    const head = await hostHead();
    const next = await world.release("v1.1.0");
    const { data: channel } = await world.github.client().rest.git.getRef({
      owner: "automated-assistant-systems",
      repo: "task-assistant",
      ref: `tags/${CHANNEL}`,
    });
    expect(channel.object.sha).toBe(next);
    expect(await enforceRecord()).toEqual({ engine_ref: "v1.1.0", ok: true });

    await world.rollback(RELEASE);
    expect(await enforceRecord()).toEqual({ engine_ref: RELEASE, ok: true });
    // Neither the release nor the rollback needed a commit in the host.
    expect(await hostHead()).toBe(head);
  });
});
