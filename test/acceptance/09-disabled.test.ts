import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { readIssue, readRecord, recordTree, writesDuring } from "./support/observe.js";
import { changelog, changeRegistry, disable, registryEntry } from "./support/operator.js";
import { prepareHosts } from "./support/prepare.js";
import { anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 09: an operator disables a prepared repository through the PR flow. It stays registered,
 * but every run now fails in preflight with DISABLED: preflight records why (in the org's telemetry
 * repository) and no engine runs — a conflicted issue is left as it is.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(aWorld([anOrg("acme")]));
  await prepareHosts(world, [HOST]);
});
afterAll(async () => {
  await world?.stop();
});

describe("09 a repository disabled through the PR flow", () => {
  it("is disabled on the infra repository's main, with its changelog line", async () => {
    await changeRegistry(world, "pause-widgets", [disable(HOST, "Incident 42: pause enforcement")]);

    expect(await registryEntry(world, HOST)).toMatchObject({
      state: "disabled",
      reason: "Incident 42: pause enforcement",
    });
    expect((await changelog(world)).map((line) => `${line.action} ${line.owner}/${line.repo}`)).toEqual([
      "register acme/widgets",
      "disable acme/widgets",
    ]);
  });

  it("fails self-test in preflight with DISABLED, records only preflight, and runs no engine", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "disabled-1"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({
      ok: false,
      halted: true,
      engines: [],
      preflight: { ok: false, record: "created" },
    });
    expect(writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
    const record = await readRecord(world, TELEMETRY, result.report!.preflight.record_path!);
    expect(record).toMatchObject({
      ok: false,
      engine_name: "preflight",
      correlation_id: "disabled-1",
      event: {
        action: "failure",
        reason:
          "registry.resolve: DISABLED: acme/widgets is registered but disabled (Incident 42: pause enforcement); engines do not run for it",
      },
      details: { registry: { outcome: "DISABLED", state: "disabled", context: "sandbox" } },
    });
    expect((await recordTree(world, TELEMETRY)).filter((path) => path.includes("/disabled-1/"))).toEqual([
      result.report!.preflight.record_path,
    ]);
  });

  it("leaves a conflicted issue as it is when its event arrives", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "disabled-2"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({ halted: true, engines: [] });
    expect(result.report!.preflight.reason).toMatch(/^registry\.resolve: DISABLED: /);
    expect(writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-1", "phase-2"],
      milestone: null,
    });
  });
});
