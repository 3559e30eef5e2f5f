import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode, type Dispatched } from "./support/dispatcher.js";
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
 * Scenario 07: three repositories across two orgs at the same moment — acme/widgets and acme/gadgets
 * share acme's telemetry branch, globex/portal has its own. Six runs (an issue event and a validate
 * run per repository) execute concurrently while the first record writes also meet injected branch
 * conflicts. Every record arrives, each in its own org's repository.
 */

const REPOS = ["acme/widgets", "acme/gadgets", "globex/portal"] as const;
const INJECTED_CONFLICTS = 4;

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([
      anOrg("acme", {
        hosts: [
          aHost("widgets", { issues: [anIssue({ labels: ["phase-1", "phase-3"] })] }),
          aHost("gadgets", {
            issues: [anIssue({ title: "Gadget drawer sticks", labels: ["phase-3", "phase-1"] })],
          }),
        ],
      }),
      anOrg("globex", {
        hosts: [
          aHost("portal", {
            issues: [anIssue({ title: "Password reset fails", labels: ["phase-2", "phase-3"] })],
          }),
        ],
      }),
    ]),
  );
  await prepareHosts(world, REPOS);
});
afterAll(async () => {
  await world?.stop();
});

describe("07 two orgs, three repositories, concurrently", () => {
  it("completes six concurrent runs with every record written once, in its own org, despite write conflicts", async () => {
    const before = {
      acme: await recordTree(world, "acme/task-assistant-telemetry"),
      globex: await recordTree(world, "globex/task-assistant-telemetry"),
    };
    await world.github.addFaults({
      route: "PUT /repos/{owner}/{repo}/contents/{path}",
      status: 409,
      count: INJECTED_CONFLICTS,
    });

    const { result, writes } = await writesDuring(world, () =>
      Promise.all(
        REPOS.flatMap((repo) => [
          dispatchLabeled(world, repo, 1, "phase-3"),
          dispatchMode(world, repo, "validate"),
        ]),
      ),
    );
    await world.github.clearFaults();

    expect(result.map((run) => run.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const id = (run: Dispatched) => run.report!.plan.correlation_id;
    expect(new Set(result.map(id)).size).toBe(6);
    const [widgetsEnforce, widgetsValidate, gadgetsEnforce, gadgetsValidate, portalEnforce, portalValidate] =
      result;

    const added = async (owner: "acme" | "globex") =>
      (await recordTree(world, `${owner}/task-assistant-telemetry`)).filter(
        (path) => !before[owner].includes(path),
      );
    const acme = await added("acme");
    const globex = await added("globex");
    expect(runsIn(acme)).toEqual(
      new Map([
        [`acme-gadgets/${id(gadgetsEnforce)}`, ["enforce.json", "preflight.json"]],
        [`acme-gadgets/${id(gadgetsValidate)}`, ["preflight.json", "validate.json"]],
        [`acme-widgets/${id(widgetsEnforce)}`, ["enforce.json", "preflight.json"]],
        [`acme-widgets/${id(widgetsValidate)}`, ["preflight.json", "validate.json"]],
      ]),
    );
    expect(runsIn(globex)).toEqual(
      new Map([
        [`globex-portal/${id(portalEnforce)}`, ["enforce.json", "preflight.json"]],
        [`globex-portal/${id(portalValidate)}`, ["preflight.json", "validate.json"]],
      ]),
    );
    for (const path of acme)
      expect((await readRecord(world, "acme/task-assistant-telemetry", path)).ok).toBe(true);
    for (const path of globex)
      expect((await readRecord(world, "globex/task-assistant-telemetry", path)).ok).toBe(true);

    const { created, conflicts, others } = splitRecordWrites(writes);
    expect(created).toBe(12);
    // The injected conflicts, plus any real ones between acme's concurrent writers, were all retried.
    expect(conflicts).toBeGreaterThanOrEqual(INJECTED_CONFLICTS);
    expect(others).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×3",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×3",
    ]);

    for (const repo of REPOS) expect((await readIssue(world, repo, 1)).labels).toEqual(["phase-3"]);
  });
});
