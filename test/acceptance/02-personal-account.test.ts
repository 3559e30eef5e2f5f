import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { install } from "./support/maintainer.js";
import {
  filesOf,
  labelsOf,
  milestonesOf,
  readIssue,
  readRecord,
  recordTree,
  withDays,
  writesDuring,
} from "./support/observe.js";
import { changeRegistry, register, registryEntry } from "./support/operator.js";
import { aHost, anIssue, aPersonalAccount, aWorld, ENGINE_REF } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 02: the same story on a repository owned by a personal account. gary owns both the host
 * and the telemetry repository; the App is installed on his account. Records go to
 * gary/task-assistant-telemetry and nowhere else.
 */

const HOST = "gary/ta-install-test";
const TELEMETRY = "gary/task-assistant-telemetry";
const DIR = "telemetry/v1/repos/gary-ta-install-test/<day>";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([
      aPersonalAccount("gary", {
        hosts: [aHost("ta-install-test", { issues: [anIssue({ labels: ["phase-3", "phase-1"] })] })],
      }),
    ]),
  );
});
afterAll(async () => {
  await world?.stop();
});

describe("02 personal account: the full story on a user-owned repository", () => {
  it("the operator registers gary's repository with gary's own telemetry repository", async () => {
    await changeRegistry(world, "register-gary", [register(HOST, "production", "Marketplace install test")]);

    expect(await registryEntry(world, HOST)).toEqual({
      telemetry_repo: TELEMETRY,
      state: "enabled",
      context: "production",
      process: "infra-cli",
      reason: "Marketplace install test",
    });
  });

  it("gary installs Task Assistant into his repository in one commit", async () => {
    const { result, writes } = await writesDuring(world, () => install(world, HOST));

    expect(result.code).toBe(0);
    expect(await filesOf(world, HOST)).toEqual([
      ".github/task-assistant.yml",
      ".github/workflows/task-assistant-dispatch.yml",
      "README.md",
    ]);
    expect(writes).toEqual([
      "PATCH /repos/{owner}/{repo}/git/refs/{ref} 200 ×1",
      "POST /repos/{owner}/{repo}/git/commits 201 ×1",
      "POST /repos/{owner}/{repo}/git/trees 201 ×1",
    ]);
  });

  it("materialize and validate run as the App installed on gary's account", async () => {
    const materialized = await writesDuring(world, () =>
      dispatchMode(world, HOST, "materialize", "gary-materialize"),
    );
    const validated = await writesDuring(world, () => dispatchMode(world, HOST, "validate", "gary-validate"));

    expect([materialized.result.code, validated.result.code]).toEqual([0, 0]);
    expect(materialized.result.report?.telemetry_repo).toBe(TELEMETRY);
    expect(await labelsOf(world, HOST)).toHaveLength(11);
    expect(await milestonesOf(world, HOST)).toEqual([
      "Phase 1 – Planning",
      "Phase 2 – Build",
      "Phase 3 – Release",
    ]);
    expect(materialized.writes).toEqual([
      "PATCH /repos/{owner}/{repo}/labels/{name} 200 ×2",
      "POST /repos/{owner}/{repo}/labels 201 ×9",
      "POST /repos/{owner}/{repo}/milestones 201 ×3",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    expect(validated.writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×2"]);
  });

  it("enforce makes the conflicted issue consistent", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-3", "gary-enforce"),
    );

    expect(result.code).toBe(0);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-3"],
      milestone: "Phase 3 – Release",
    });
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
  });

  it("keeps every record in gary's telemetry repository, about gary's repository", async () => {
    const tree = await recordTree(world, TELEMETRY);
    expect(withDays(tree)).toEqual([
      `${DIR}/gary-enforce/enforce.json`,
      `${DIR}/gary-enforce/preflight.json`,
      `${DIR}/gary-materialize/materialize.json`,
      `${DIR}/gary-materialize/preflight.json`,
      `${DIR}/gary-validate/preflight.json`,
      `${DIR}/gary-validate/validate.json`,
    ]);
    for (const path of tree) {
      expect(await readRecord(world, TELEMETRY, path)).toMatchObject({
        ok: true,
        engine_ref: ENGINE_REF,
        entity: { type: "repository", owner: "gary", repo: "ta-install-test" },
      });
    }
    expect(await filesOf(world, HOST)).not.toContainEqual(expect.stringMatching(/^telemetry\//));
  });
});
