import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled } from "./support/dispatcher.js";
import { readIssue, readRecord, recordTree, writesDuring } from "./support/observe.js";
import { prepareHosts } from "./support/prepare.js";
import { aHost, anIssue, anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 03: two orgs, enforcement at the same moment. acme/widgets and globex/portal are prepared
 * one after the other (register, install, materialize); then an issue event arrives for each and
 * both runs execute concurrently. Each org's records land only in that org's telemetry repository,
 * under correlation ids the dispatcher generated independently.
 */

const ACME = "acme/widgets";
const GLOBEX = "globex/portal";

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(
    aWorld([
      anOrg("acme", { hosts: [aHost("widgets", { issues: [anIssue({ labels: ["phase-1", "phase-3"] })] })] }),
      anOrg("globex", {
        hosts: [
          aHost("portal", {
            issues: [anIssue({ title: "Password reset fails", labels: ["phase-2", "phase-1"] })],
          }),
        ],
      }),
    ]),
  );
  await prepareHosts(world, [ACME, GLOBEX]);
});
afterAll(async () => {
  await world?.stop();
});

describe("03 multi-org concurrent enforcement", () => {
  it("enforces in both orgs at once, each run with its own correlation id, each org's records in its own repository", async () => {
    const acmeBefore = await recordTree(world, "acme/task-assistant-telemetry");
    const globexBefore = await recordTree(world, "globex/task-assistant-telemetry");

    const { result, writes } = await writesDuring(world, () =>
      Promise.all([dispatchLabeled(world, ACME, 1, "phase-3"), dispatchLabeled(world, GLOBEX, 1, "phase-2")]),
    );
    const [acme, globex] = result;

    expect([acme.code, globex.code]).toEqual([0, 0]);
    const acmeId = acme.report!.plan.correlation_id;
    const globexId = globex.report!.plan.correlation_id;
    // Generated locally as ULIDs: 26 Crockford base-32 characters, one per run.
    expect(acmeId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(globexId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(acmeId).not.toBe(globexId);

    const acmeNew = (await recordTree(world, "acme/task-assistant-telemetry")).filter(
      (p) => !acmeBefore.includes(p),
    );
    const globexNew = (await recordTree(world, "globex/task-assistant-telemetry")).filter(
      (p) => !globexBefore.includes(p),
    );
    expect(acmeNew).toEqual([
      expect.stringMatching(
        new RegExp(`^telemetry/v1/repos/acme-widgets/\\d{4}-\\d{2}-\\d{2}/${acmeId}/enforce\\.json$`),
      ),
      expect.stringMatching(
        new RegExp(`^telemetry/v1/repos/acme-widgets/\\d{4}-\\d{2}-\\d{2}/${acmeId}/preflight\\.json$`),
      ),
    ]);
    expect(globexNew).toEqual([
      expect.stringMatching(
        new RegExp(`^telemetry/v1/repos/globex-portal/\\d{4}-\\d{2}-\\d{2}/${globexId}/enforce\\.json$`),
      ),
      expect.stringMatching(
        new RegExp(`^telemetry/v1/repos/globex-portal/\\d{4}-\\d{2}-\\d{2}/${globexId}/preflight\\.json$`),
      ),
    ]);
    for (const path of acmeNew)
      expect(await readRecord(world, "acme/task-assistant-telemetry", path)).toMatchObject({
        ok: true,
        correlation_id: acmeId,
        entity: { owner: "acme", repo: "widgets" },
      });
    for (const path of globexNew)
      expect(await readRecord(world, "globex/task-assistant-telemetry", path)).toMatchObject({
        ok: true,
        correlation_id: globexId,
        entity: { owner: "globex", repo: "portal" },
      });

    expect(await readIssue(world, ACME, 1)).toEqual({
      state: "open",
      labels: ["phase-3"],
      milestone: "Phase 3 – Release",
    });
    expect(await readIssue(world, GLOBEX, 1)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
    // Two repositories' branches, no contention: every record write succeeded the first time.
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×2",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×2",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×4",
    ]);
  });

  it("never writes one org's records into the other org's telemetry repository", async () => {
    // Each org's repository holds its own host's materialize and enforce runs, and nothing else.
    const folders = async (telemetryRepo: string) =>
      (await recordTree(world, telemetryRepo)).map((path) => path.split("/")[3]);
    expect(await folders("acme/task-assistant-telemetry")).toEqual(Array(4).fill("acme-widgets"));
    expect(await folders("globex/task-assistant-telemetry")).toEqual(Array(4).fill("globex-portal"));
  });
});
