import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { readIssue, readRecord, recordTree, runsIn, writesDuring } from "./support/observe.js";
import { changelog, changeRegistry, disable, enable, registryEntry } from "./support/operator.js";
import { prepareHosts } from "./support/prepare.js";
import { anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 10: a disabled repository is enabled again through the PR flow, and runs again: self-test
 * records preflight, self-test and dashboard; an issue event is enforced.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(aWorld([anOrg("acme")]));
  await prepareHosts(world, [HOST]);
  await changeRegistry(world, "pause-widgets", [disable(HOST, "Incident 42: pause enforcement")]);
});
afterAll(async () => {
  await world?.stop();
});

describe("10 a disabled repository re-enabled through the PR flow", () => {
  it("does not run while disabled", async () => {
    const { result } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "while-disabled"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({ halted: true, engines: [] });
  });

  it("is enabled again on the infra repository's main, with its changelog line", async () => {
    await changeRegistry(world, "resume-widgets", [enable(HOST, "Incident 42 resolved")]);

    expect(await registryEntry(world, HOST)).toMatchObject({
      state: "enabled",
      reason: "Incident 42 resolved",
    });
    expect((await changelog(world)).map((line) => line.action)).toEqual(["register", "disable", "enable"]);
  });

  it("runs self-test again: preflight, self-test and dashboard records, all ok", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "re-enabled-1"),
    );

    expect(result.code).toBe(0);
    expect(result.report?.engines.map((engine) => [engine.engine, engine.ok])).toEqual([
      ["self-test", true],
      ["dashboard", true],
    ]);
    const records = (await recordTree(world, TELEMETRY)).filter((path) => path.includes("/re-enabled-1/"));
    expect(runsIn(records)).toEqual(
      new Map([["acme-widgets/re-enabled-1", ["dashboard.json", "preflight.json", "self-test.json"]]]),
    );
    for (const path of records) expect((await readRecord(world, TELEMETRY, path)).ok).toBe(true);
    // Three records, and the dashboard engine publishes the org's dashboards in one push.
    expect(writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×3", "git push ×1"]);
  });

  it("enforces an issue event again", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "re-enabled-2"),
    );

    expect(result.code).toBe(0);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
  });
});
