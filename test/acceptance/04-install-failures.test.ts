import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchMode } from "./support/dispatcher.js";
import { install } from "./support/maintainer.js";
import {
  filesOf,
  labelsOf,
  managedLabels,
  milestonesOf,
  readRecord,
  recordTree,
  withDays,
  writesDuring,
} from "./support/observe.js";
import { changeRegistry, register } from "./support/operator.js";
import { aHost, anOrg, aWorld, INFRA_REPO } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 04: a new customer's installation, stepped through its failures. initech's new repository
 * gets Task Assistant installed before anything else is in place; each missing piece — registration,
 * the App's access to the telemetry repository, credentials — makes the run fail with its reason and
 * leave nothing behind, until everything is in place and materialize and verify pass.
 */

const HOST = "initech/ta-sandbox";
const TELEMETRY = "initech/task-assistant-telemetry";
const DIR = "telemetry/v1/repos/initech-ta-sandbox/<day>";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([
      anOrg("initech", {
        // The App was installed for the new repository only, not for the telemetry repository.
        app: { repositories: ["ta-sandbox"] },
        hosts: [aHost("ta-sandbox", { issues: [] })],
      }),
    ]),
  );
});
afterAll(async () => {
  await world?.stop();
});

/** The mechanical checks after every failing step: no managed labels, no milestones, no telemetry. */
async function expectNothingBehind(): Promise<void> {
  expect(managedLabels(await labelsOf(world, HOST))).toEqual([]);
  expect(await milestonesOf(world, HOST)).toEqual([]);
  expect(await recordTree(world, TELEMETRY)).toEqual([]);
}

describe("04 install failures, step by step", () => {
  it("A: installing only commits the two files; nothing runs, no telemetry, no labels, no milestones", async () => {
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
    await expectNothingBehind();
  });

  it("B: a run while initech is not registered fails in preflight and writes nothing", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "step-b"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({
      ok: false,
      halted: true,
      engines: [],
      preflight: { record: "failed" },
    });
    expect(result.report?.preflight.reason).toMatch(
      /^registry\.resolve: ORG_UNREGISTERED: org initech is not in the registry/,
    );
    expect(result.stderr).toMatch(
      /^error: preflight failed for initech\/ta-sandbox: registry\.resolve: ORG_UNREGISTERED/,
    );
    expect(writes).toEqual([]);
    await expectNothingBehind();
  });

  it("C: the operator registers the repository through the PR flow; it now resolves as eligible", async () => {
    const { mainSha } = await changeRegistry(world, "register-initech", [
      register(HOST, "sandbox", "New customer"),
    ]);

    const resolved = await world.cli(["infra", "resolve", HOST, "--json"], {
      env: world.operatorEnv(),
      cwd: world.infraClone,
    });
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      outcome: "ELIGIBLE",
      context: "sandbox",
      state: "enabled",
      telemetry_repo: TELEMETRY,
    });
    expect(await world.git(world.infraClone, "rev-parse", "main")).toBe(mainSha);
    await expectNothingBehind();
  });

  it("D: with the App not installed on the telemetry repository, preflight fails and nothing is written", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "step-d"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({ halted: true, engines: [], preflight: { record: "failed" } });
    expect(result.report?.preflight.reason).toMatch(
      /^telemetry\.access: .*initech\/task-assistant-telemetry.*refused an installation token/,
    );
    expect(writes).toEqual([]);
    await expectNothingBehind();
  });

  it("E–F: once the App is installed on the telemetry repository too, a run without credentials is refused before any request", async () => {
    await world.setAppInstallation("initech", "all");
    const noCredentials = {
      PATH: process.env.PATH,
      GITHUB_API_URL: world.github.url,
      TA_INFRA_REPO: INFRA_REPO,
    };

    const { result, stats } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "step-f", noCredentials),
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no GitHub credentials are configured\nhint: set GITHUB_TOKEN/);
    expect(result.report).toBeUndefined();
    expect(stats.total).toBe(0);
    await expectNothingBehind();
  });

  it("G–I: with credentials back, materialize creates the labels and milestones", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "materialize", "step-i"),
    );

    expect(result.code).toBe(0);
    expect(managedLabels(await labelsOf(world, HOST))).toHaveLength(11);
    expect(await milestonesOf(world, HOST)).toEqual([
      "Phase 1 – Planning",
      "Phase 2 – Build",
      "Phase 3 – Release",
    ]);
    expect(writes).toEqual([
      "POST /repos/{owner}/{repo}/labels 201 ×11",
      "POST /repos/{owner}/{repo}/milestones 201 ×3",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
  });

  it("J: verify — self-test and validate pass and change nothing on the host", async () => {
    const selfTest = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "step-j-self-test"),
    );
    const validate = await writesDuring(world, () =>
      dispatchMode(world, HOST, "validate", "step-j-validate"),
    );

    expect([selfTest.result.code, validate.result.code]).toEqual([0, 0]);
    expect(selfTest.result.report?.engines.map((engine) => [engine.engine, engine.ok])).toEqual([
      ["self-test", true],
      ["dashboard", true],
    ]);
    expect(validate.result.report?.engines[0]).toMatchObject({ ok: true, summary: "Configuration is valid" });
    const hostWrites = [...selfTest.writes, ...validate.writes].filter(
      (line) => !line.includes("/contents/"),
    );
    // The dashboard engine publishes the org's dashboards with one git push; nothing touches the host.
    expect(hostWrites).toEqual(["git push ×1"]);

    const tree = await recordTree(world, TELEMETRY);
    expect(withDays(tree)).toEqual([
      `${DIR}/step-i/materialize.json`,
      `${DIR}/step-i/preflight.json`,
      `${DIR}/step-j-self-test/dashboard.json`,
      `${DIR}/step-j-self-test/preflight.json`,
      `${DIR}/step-j-self-test/self-test.json`,
      `${DIR}/step-j-validate/preflight.json`,
      `${DIR}/step-j-validate/validate.json`,
    ]);
    for (const path of tree) expect((await readRecord(world, TELEMETRY, path)).ok).toBe(true);
  });
});
