import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { install } from "./support/maintainer.js";
import { labelsOf, readIssue, recordTree, writesDuring } from "./support/observe.js";
import { changeRegistry, register } from "./support/operator.js";
import { aHost, anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 08: the App is installed on acme's host repository but not on acme's telemetry repository
 * (as when an org owner picks repositories one by one and forgets it). The repository is registered
 * and installed, yet every run fails in preflight, saying the run cannot write the telemetry
 * repository; no engine runs and nothing is written anywhere.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([anOrg("acme", { app: { repositories: ["widgets"] }, hosts: [aHost("widgets")] })]),
  );
  await changeRegistry(world, "register-widgets", [register(HOST)]);
  const installed = await install(world, HOST);
  if (installed.code !== 0) throw new Error(`install failed: ${installed.stderr}`);
});
afterAll(async () => {
  await world?.stop();
});

describe("08 App without access to the telemetry repository", () => {
  it("fails self-test in preflight with that reason; no engine runs and nothing is written", async () => {
    const labelsBefore = await labelsOf(world, HOST);

    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "self-test", "no-access-1"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({
      ok: false,
      halted: true,
      engines: [],
      telemetry_repo: TELEMETRY,
      preflight: { ok: false, record: "failed" },
    });
    const failed = result
      .report!.preflight.checks.filter((check) => check.outcome === "FAIL")
      .map((check) => check.id);
    expect(failed).toEqual(["telemetry.access", "token.scope"]);
    expect(result.report!.preflight.reason).toMatch(
      /^telemetry\.access: not checked: no token for acme\/task-assistant-telemetry: GitHub refused an installation token for acme\/\{task-assistant-telemetry\}/,
    );
    // GitHub's own words say which grant is missing.
    expect(result.report!.preflight.reason).toMatch(
      /\(HTTP 422\): .*not accessible to the parent installation/,
    );
    expect(result.stderr).toMatch(/^error: preflight failed for acme\/widgets: telemetry\.access: /);
    expect(writes).toEqual([]);
    expect(await recordTree(world, TELEMETRY)).toEqual([]);
    expect(await labelsOf(world, HOST)).toEqual(labelsBefore);
  });

  it("leaves a conflicted issue as it is when its event arrives", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "no-access-2"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({ halted: true, engines: [] });
    expect(writes).toEqual([]);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-1", "phase-2"],
      milestone: null,
    });
    expect(await recordTree(world, TELEMETRY)).toEqual([]);
  });
});
