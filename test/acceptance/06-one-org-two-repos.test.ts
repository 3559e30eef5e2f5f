import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import {
  readIssue,
  readRecord,
  recordTree,
  runsIn,
  splitRecordWrites,
  writesDuring,
} from "./support/observe.js";
import { prepareHosts } from "./support/prepare.js";
import { aHost, anIssue, anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 06: two repositories of one org at the same moment. acme/widgets and acme/gadgets each get
 * an issue event and a validate run, all four runs concurrently, all writing records to the same
 * branch of acme's telemetry repository. Every record arrives; each run keeps its own folder.
 */

const WIDGETS = "acme/widgets";
const GADGETS = "acme/gadgets";
const TELEMETRY = "acme/task-assistant-telemetry";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([
      anOrg("acme", {
        hosts: [
          aHost("widgets", { issues: [anIssue({ labels: ["phase-1", "phase-2"] })] }),
          aHost("gadgets", {
            issues: [anIssue({ title: "Gadget drawer sticks", labels: ["phase-3", "phase-2"] })],
          }),
        ],
      }),
    ]),
  );
  await prepareHosts(world, [WIDGETS, GADGETS]);
});
afterAll(async () => {
  await world?.stop();
});

describe("06 one org, two repositories, concurrently", () => {
  it("runs four dispatches at once into one telemetry branch and loses no record", async () => {
    const before = await recordTree(world, TELEMETRY);

    const { result, writes } = await writesDuring(world, () =>
      Promise.all([
        dispatchLabeled(world, WIDGETS, 1, "phase-2"),
        dispatchMode(world, WIDGETS, "validate"),
        dispatchLabeled(world, GADGETS, 1, "phase-3"),
        dispatchMode(world, GADGETS, "validate"),
      ]),
    );

    expect(result.map((run) => run.code)).toEqual([0, 0, 0, 0]);
    const ids = result.map((run) => run.report!.plan.correlation_id);
    expect(new Set(ids).size).toBe(4);
    const added = (await recordTree(world, TELEMETRY)).filter((path) => !before.includes(path));
    expect(runsIn(added)).toEqual(
      new Map([
        [`acme-widgets/${ids[0]}`, ["enforce.json", "preflight.json"]],
        [`acme-widgets/${ids[1]}`, ["preflight.json", "validate.json"]],
        [`acme-gadgets/${ids[2]}`, ["enforce.json", "preflight.json"]],
        [`acme-gadgets/${ids[3]}`, ["preflight.json", "validate.json"]],
      ]),
    );
    for (const path of added) expect((await readRecord(world, TELEMETRY, path)).ok).toBe(true);

    const { created, conflicts, others } = splitRecordWrites(writes);
    // Writes that collided on the one branch (409) were retried; each record was created exactly once.
    expect(created).toBe(8);
    expect(conflicts).toBeLessThan(created * 8);
    expect(others).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×2",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×2",
    ]);

    expect(await readIssue(world, WIDGETS, 1)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
    expect(await readIssue(world, GADGETS, 1)).toEqual({
      state: "open",
      labels: ["phase-3"],
      milestone: "Phase 3 – Release",
    });
  });
});
