import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate-config.js";
import { engine as validate } from "../../src/engines/validate/index.js";
import { previewLines } from "../../src/engines/validate/preview-lines.js";
import { previewReconcile } from "../../src/engines/validate/preview-reconcile.js";
import {
  CONFIG_PATH,
  expectResultContract,
  OWNER,
  REPO,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";
import { scopedIssues } from "./scoped-issues.js";

/** On the default branch: no enforcement, so only the proposal can change issues. */
const CURRENT = `schema_version: "1.1"
tracks: []
labels: []
milestones: []
`;

/** The proposed config: scoped labels become exclusive. */
const PROPOSED = `${CURRENT}enforcement:
  exclusivity:
    scoped: { mode: enforce, strategy: highest }
    track: { mode: warn, strategy: highest }
`;

let world: EngineWorld;

beforeAll(async () => {
  world = await startEngineWorld({
    orgs: [{ login: OWNER }],
    repos: [
      {
        name: `${OWNER}/${REPO}`,
        files: { [CONFIG_PATH]: CURRENT },
        branches: ["proposal"],
        labels: ["workflow::doing", "workflow::todo", "track/a", "track/b"].map((name) => ({ name })),
        issues: scopedIssues(),
      },
      { name: `${OWNER}/telemetry` },
    ],
  });
  const admin = world.server.client();
  const { data: current } = await admin.rest.repos.getContent({
    owner: OWNER,
    repo: REPO,
    path: CONFIG_PATH,
    ref: "proposal",
  });
  await admin.rest.repos.createOrUpdateFileContents({
    owner: OWNER,
    repo: REPO,
    path: CONFIG_PATH,
    branch: "proposal",
    message: "Make scoped labels exclusive",
    content: Buffer.from(PROPOSED).toString("base64"),
    sha: (current as { sha: string }).sha,
  });
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.resetRequests();
});

/** Every request the server answered that was not a read (the admin API is not counted). */
async function serverWrites(): Promise<string[]> {
  const counts = await world.serverCounts();
  return Object.keys(counts).filter((key) => !key.startsWith("GET "));
}

describe("validate on a proposed config change previews reconcile", () => {
  it("puts the dry-run counts under the proposed config in its plan, and writes nothing", async () => {
    const result = await validate.run(world.context({ config_ref: "proposal" }));
    expectResultContract(result);
    expect(result.ok).toBe(true);
    expect(result.summary).toBe("Configuration is valid; reconcile would change 4 open issues (4 writes)");
    expect(result.plan).toEqual([
      "Reconcile preview with this config (dry run: nothing was written):",
      "  Issues considered: 12",
      "  Issues that would change: 4",
      "    scoped.labels.pruned: 4",
      "    warning track.exclusive.violation: 1",
      "  Writes planned: 4 (4 label removals, 0 milestone changes)",
      "    #3: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "    #6: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "    #9: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "    #12: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
    ]);
    expect(result.checks).toContainEqual({
      id: "reconcile.preview",
      outcome: "PASS",
      details: {
        considered: 12,
        would_change: 4,
        writes: { total: 4, labels_removed: 4, milestones_set: 0 },
        by_rule: { "scoped.labels.pruned": 4 },
        warnings: { "track.exclusive.violation": 1 },
        pages_read: 1,
        read_cap_hit: false,
      },
    });
    expect(writes(world.sent)).toEqual([]);
    expect(await serverWrites()).toEqual([]);
    // The issues are as they were.
    const { data: issue } = await world.server.client().rest.issues.get({
      owner: OWNER,
      repo: REPO,
      issue_number: 3,
    });
    expect(issue.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "workflow::doing",
      "workflow::todo",
    ]);
  });

  it("reads the config's own ref: the default branch's config (no enforcement) previews nothing", async () => {
    const result = await validate.run(world.context());
    expect(result.plan).toBeUndefined();
    expect(result.checks.map((check) => check.id)).not.toContain("reconcile.preview");
    expect(world.sent.filter((request) => /\/issues\?/.test(request.path))).toEqual([]);
  });

  it("stops at its read cap and says so, counting only what it read", async () => {
    const checked = validateConfig(PROPOSED, { file: CONFIG_PATH });
    if (!("value" in checked)) throw new Error("the test config is invalid");
    const cap = { page_limit: 2, page_size: 5 };
    const report = await previewReconcile(
      world.context().github,
      { owner: OWNER, repo: REPO },
      { config: checked.value, config_sha: "a".repeat(40), nowMs: () => 0, ...cap },
    );
    expect(report.page_limit_hit).toBe(true);
    expect(report.considered).toBe(10);
    expect(report.changed).toBe(3);
    expect(world.sent.filter((request) => /\/issues\?/.test(request.path))).toHaveLength(2);
    expect(previewLines(report, cap).at(-1)).toBe(
      "  Read cap reached: only the first 10 open issues (2 listing pages) were previewed; the repository has more, so the counts are a lower bound.",
    );
    expect(await serverWrites()).toEqual([]);
  });

  it("does not stop at the cap when the last page is the cap's last page", async () => {
    const checked = validateConfig(PROPOSED, { file: CONFIG_PATH });
    if (!("value" in checked)) throw new Error("the test config is invalid");
    const report = await previewReconcile(
      world.context().github,
      { owner: OWNER, repo: REPO },
      { config: checked.value, config_sha: "a".repeat(40), nowMs: () => 0, page_limit: 2, page_size: 7 },
    );
    expect(report.page_limit_hit).toBe(false);
    expect(report.considered).toBe(12);
  });
});
