import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { install, openIssue } from "./support/maintainer.js";
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
import { changelog, changeRegistry, register, registryEntry } from "./support/operator.js";
import { aWorld, anOrg, ENGINE_REF } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 01: the full operator story on an org repository. The operator registers acme/widgets
 * through a pull request; its maintainer installs Task Assistant; materialize prepares the
 * repository; validate passes; enforce makes a conflicted issue consistent. Each step is checked on
 * the issue, in acme's telemetry repository, and in the server's count of writes.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";
const DIR = "telemetry/v1/repos/acme-widgets/<day>";
const STARTER_LABELS = [
  "phase-1",
  "phase-2",
  "phase-3",
  "priority/high",
  "priority/low",
  "priority/medium",
  "state/done",
  "state/in-progress",
  "state/todo",
  "track/backlog",
  "track/sprint",
];
const STARTER_MILESTONES = ["Phase 1 – Planning", "Phase 2 – Build", "Phase 3 – Release"];

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(aWorld([anOrg("acme")]));
});
afterAll(async () => {
  await world?.stop();
});

describe("01 basic: register, install, materialize, validate and enforce on an org repository", () => {
  it("the operator registers acme/widgets through a merged pull request; nothing else is touched", async () => {
    const { result, writes } = await writesDuring(world, () =>
      changeRegistry(world, "register-acme-widgets", [register(HOST, "sandbox", "Widgets pilot")]),
    );

    expect(result.steps.map((step) => step.command)).toEqual([
      "infra branch register-acme-widgets",
      `infra register --owner acme --repo widgets --reason Widgets pilot --context sandbox --telemetry-repo task-assistant-telemetry`,
      "infra finalize",
      "infra pr create",
      "infra pr merge",
    ]);
    expect(await registryEntry(world, HOST)).toEqual({
      telemetry_repo: TELEMETRY,
      state: "enabled",
      context: "sandbox",
      process: "infra-cli",
      reason: "Widgets pilot",
    });
    expect(await changelog(world)).toEqual([
      expect.objectContaining({ action: "register", owner: "acme", repo: "widgets", context: "sandbox" }),
    ]);
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/git/refs/{ref} 204 ×1",
      "POST /repos/{owner}/{repo}/pulls 201 ×1",
      "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200 ×1",
      "git push ×1",
    ]);
    expect(await recordTree(world, TELEMETRY)).toEqual([]);
  });

  it("the maintainer installs the config and the pinned dispatcher in one commit", async () => {
    const { result, writes } = await writesDuring(world, () => install(world, HOST));

    expect(result.stderr).toBe("");
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
    // The only labels are the two the seeded issue carries; installing creates none.
    expect(await labelsOf(world, HOST)).toEqual(["phase-1", "phase-2"]);
    expect(await milestonesOf(world, HOST)).toEqual([]);
    expect(await recordTree(world, TELEMETRY)).toEqual([]);
  });

  it("materialize creates every declared label and milestone and leaves preflight and materialize records", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "materialize", "basic-materialize"),
    );

    expect(result.code).toBe(0);
    expect(result.report).toMatchObject({
      ok: true,
      telemetry_repo: TELEMETRY,
      engines: [
        {
          engine: "materialize",
          ok: true,
          summary: "Repository prepared: create 9 labels, update 2 labels, create 3 milestones",
        },
      ],
    });
    expect(await labelsOf(world, HOST)).toEqual(STARTER_LABELS);
    expect(await milestonesOf(world, HOST)).toEqual(STARTER_MILESTONES);
    expect(writes).toEqual([
      "PATCH /repos/{owner}/{repo}/labels/{name} 200 ×2",
      "POST /repos/{owner}/{repo}/labels 201 ×9",
      "POST /repos/{owner}/{repo}/milestones 201 ×3",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    expect(withDays(await recordTree(world, TELEMETRY))).toEqual([
      `${DIR}/basic-materialize/materialize.json`,
      `${DIR}/basic-materialize/preflight.json`,
    ]);
  });

  it("validate passes and changes nothing on the host", async () => {
    const { result, writes } = await writesDuring(world, () =>
      dispatchMode(world, HOST, "validate", "basic-validate"),
    );

    expect(result.code).toBe(0);
    expect(result.report?.engines).toEqual([
      expect.objectContaining({ engine: "validate", ok: true, summary: "Configuration is valid" }),
    ]);
    expect(writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×2"]);
  });

  it("enforce keeps the highest of two phases added in one edit, sets its milestone, and a second event finds nothing to do", async () => {
    const issue = await openIssue(world, HOST, "Enforcement Test — Invalid Phase State", [
      "phase-1",
      "phase-2",
    ]);
    // Adding two labels in one edit delivers two `labeled` events: two dispatcher runs, one after the other.
    const first = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, issue, "phase-1", "basic-enforce-1"),
    );
    const second = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, issue, "phase-2", "basic-enforce-2"),
    );

    expect([first.result.code, second.result.code]).toEqual([0, 0]);
    expect(await readIssue(world, HOST, issue)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
    expect(first.writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    expect(second.writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×2"]);

    const changed = await readRecord(world, TELEMETRY, first.result.report!.engines[0].record_path!);
    expect(changed.details.summary).toBe(
      "Resolved phase label exclusivity (kept phase-2); milestone set to match phase-2",
    );
    expect(changed.details.actions).toEqual([
      expect.objectContaining({ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }),
      expect.objectContaining({ id: "issue.milestone.set", from: null, to: "Phase 2 – Build" }),
    ]);
    const unchanged = await readRecord(world, TELEMETRY, second.result.report!.engines[0].record_path!);
    expect(unchanged.details).toMatchObject({ ok: true, summary: "No changes required", actions: [] });
  });

  it("leaves the seeded issue alone: enforce acts only on the issue of its event", async () => {
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-1", "phase-2"],
      milestone: null,
    });
  });

  it("ends with one correlation folder per run in acme's telemetry repository, each record ok and pinned", async () => {
    const tree = await recordTree(world, TELEMETRY);
    expect(withDays(tree)).toEqual([
      `${DIR}/basic-enforce-1/enforce.json`,
      `${DIR}/basic-enforce-1/preflight.json`,
      `${DIR}/basic-enforce-2/enforce.json`,
      `${DIR}/basic-enforce-2/preflight.json`,
      `${DIR}/basic-materialize/materialize.json`,
      `${DIR}/basic-materialize/preflight.json`,
      `${DIR}/basic-validate/preflight.json`,
      `${DIR}/basic-validate/validate.json`,
    ]);
    for (const path of tree) {
      const record = await readRecord(world, TELEMETRY, path);
      const [, , , , day, correlation, file] = path.split("/");
      expect(record).toMatchObject({
        ok: true,
        engine_name: file.replace(/\.json$/, ""),
        engine_ref: ENGINE_REF,
        correlation_id: correlation,
        entity: { type: "repository", owner: "acme", repo: "widgets" },
        event: { action: "success", reason: null },
      });
      expect(record.generated_at.slice(0, 10)).toBe(day);
    }
    expect(await filesOf(world, HOST)).not.toContainEqual(expect.stringMatching(/^telemetry\//));
  });
});
