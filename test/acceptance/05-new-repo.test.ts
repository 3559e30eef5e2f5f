import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode } from "./support/dispatcher.js";
import { install, maintainerClient, openIssue } from "./support/maintainer.js";
import { filesOf, readIssue, readRecord, recordTree, withDays, writesDuring } from "./support/observe.js";
import { changeRegistry, register } from "./support/operator.js";
import { anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 05: a repository that did not exist when the world was set up. acme's maintainer creates
 * it through the API; the operator registers it; it is installed, materialized and enforced. The
 * App's installation on all of acme's repositories covers it without any change.
 */

const HOST = "acme/storefront";
const TELEMETRY = "acme/task-assistant-telemetry";
const DIR = "telemetry/v1/repos/acme-storefront/<day>";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(aWorld([anOrg("acme", { hosts: [] })]));
});
afterAll(async () => {
  await world?.stop();
});

describe("05 a newly created repository", () => {
  it("is created by its maintainer through the API", async () => {
    const { writes } = await writesDuring(world, () =>
      maintainerClient(world, "acme").rest.repos.createInOrg({
        org: "acme",
        name: "storefront",
        private: true,
        auto_init: true,
      }),
    );

    expect(writes).toEqual(["POST /orgs/{org}/repos 201 ×1"]);
    expect(await filesOf(world, HOST)).toEqual(["README.md"]);
  });

  it("is registered through the PR flow, installed and materialized", async () => {
    await changeRegistry(world, "register-storefront", [register(HOST, "production", "New storefront")]);
    expect((await install(world, HOST)).code).toBe(0);
    const materialized = await dispatchMode(world, HOST, "materialize", "storefront-materialize");

    expect(materialized.code).toBe(0);
    expect(materialized.report?.engines[0].summary).toBe(
      "Repository prepared: create 11 labels, create 3 milestones",
    );
  });

  it("has an issue opened with two priorities and two phases made consistent by enforce", async () => {
    const issue = await openIssue(world, HOST, "Cart total ignores discounts", [
      "priority/low",
      "phase-1",
      "priority/high",
      "phase-2",
    ]);
    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, issue, "phase-2", "storefront-enforce"),
    );

    expect(result.code).toBe(0);
    expect(await readIssue(world, HOST, issue)).toEqual({
      state: "open",
      labels: ["phase-2", "priority/high"],
      milestone: "Phase 2 – Build",
    });
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×2",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    const record = await readRecord(world, TELEMETRY, result.report!.engines[0].record_path!);
    expect(record.details.actions).toEqual([
      expect.objectContaining({ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }),
      expect.objectContaining({
        id: "priority.labels.pruned",
        kept: "priority/high",
        removed: ["priority/low"],
      }),
      expect.objectContaining({ id: "issue.milestone.set", from: null, to: "Phase 2 – Build" }),
    ]);
  });

  it("has its records, all ok, in acme's telemetry repository", async () => {
    const tree = await recordTree(world, TELEMETRY);
    expect(withDays(tree)).toEqual([
      `${DIR}/storefront-enforce/enforce.json`,
      `${DIR}/storefront-enforce/preflight.json`,
      `${DIR}/storefront-materialize/materialize.json`,
      `${DIR}/storefront-materialize/preflight.json`,
    ]);
    for (const path of tree) expect((await readRecord(world, TELEMETRY, path)).ok).toBe(true);
  });
});
