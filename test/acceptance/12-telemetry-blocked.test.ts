import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled } from "./support/dispatcher.js";
import { maintainerClient } from "./support/maintainer.js";
import { readIssue, recordTree, splitRecordWrites, writesDuring } from "./support/observe.js";
import { prepareHosts } from "./support/prepare.js";
import { anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 12: acme protects its telemetry repository's main so that changes need a reviewed pull
 * request. Records can no longer be written: the run stops after preflight with an explicit error
 * saying the telemetry write was refused, leaves no partial file, and no engine runs. Once the
 * protection is lifted, runs record again.
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

describe("12 telemetry writes blocked by branch protection", () => {
  it("stops the run with an explicit error, no partial file and no engine run", async () => {
    await maintainerClient(world, "acme").rest.repos.updateBranchProtection({
      owner: "acme",
      repo: "task-assistant-telemetry",
      branch: "main",
      required_status_checks: null,
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 1 },
      restrictions: null,
    });
    const treeBefore = await recordTree(world, TELEMETRY);

    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "blocked-1"),
    );

    expect(result.code).toBe(1);
    expect(result.report).toMatchObject({
      ok: false,
      halted: true,
      engines: [],
      preflight: { record: "failed" },
    });
    const recordError = result.report!.preflight.record_error!;
    expect(recordError).toMatch(
      /^telemetry write to acme\/task-assistant-telemetry:telemetry\/v1\/repos\/acme-widgets\/\d{4}-\d{2}-\d{2}\/blocked-1\/preflight\.json failed after 1 attempt \(HTTP 409; the branch refuses direct commits\): Changes must be made through a pull request/,
    );
    // The error printed is the write that failed, not preflight's verdict on the repository.
    expect(result.stderr).toContain(recordError);
    expect(result.stderr).not.toMatch(/^error: preflight passed/);

    const { created, conflicts, others } = splitRecordWrites(writes);
    expect([created, others]).toEqual([0, []]);
    expect(conflicts).toBeGreaterThan(0);
    expect(await recordTree(world, TELEMETRY)).toEqual(treeBefore);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-1", "phase-2"],
      milestone: null,
    });
  });

  it("records and enforces again once the protection is lifted", async () => {
    await maintainerClient(world, "acme").rest.repos.deleteBranchProtection({
      owner: "acme",
      repo: "task-assistant-telemetry",
      branch: "main",
    });

    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "blocked-2"),
    );

    expect(result.code).toBe(0);
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
  });
});
