import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { engine } from "../../src/engines/reconcile/index.js";
import { listIssuePage } from "../../src/enforcement/list-issue-page.js";
import { githubWrites, reconcileIssues, type ReconcileIO } from "../../src/enforcement/reconcile-issues.js";
import type { ReconcileState } from "../../src/enforcement/reconcile-state.js";
import { maxInWindow } from "../../src/enforcement/write-pacer.js";
import { validateConfig } from "../../src/config/validate-config.js";
import type { EngineResult } from "../../src/runtime/engine.js";
import {
  CONFIG_PATH,
  expectResultContract,
  issueState,
  OWNER,
  REPO,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";
import { scopedIssues } from "./scoped-issues.js";

const CONFIG = `schema_version: "1.1"
tracks: []
labels: []
milestones: []
enforcement:
  exclusivity:
    scoped: { mode: enforce, strategy: highest }
    track: { mode: warn, strategy: highest }
`;

let world: EngineWorld;
let now: number;
const sleeps: number[] = [];
const sleep = (ms: number) => {
  sleeps.push(ms);
  now += ms;
  return Promise.resolve();
};
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  world = await startEngineWorld({
    orgs: [{ login: OWNER }],
    repos: [
      {
        name: `${OWNER}/${REPO}`,
        files: { [CONFIG_PATH]: CONFIG },
        labels: ["workflow::doing", "workflow::todo", "track/a", "track/b"].map((name) => ({ name })),
        issues: scopedIssues(),
      },
      { name: `${OWNER}/telemetry` },
    ],
  });
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  now = Date.parse("2026-11-21T22:00:00.000Z");
  sleeps.length = 0;
  await world.resetRequests();
});

/** Stores a run's result as reconcile's record in acme/telemetry, as the runner would. */
async function storeRecord(result: EngineResult, correlationId: string): Promise<void> {
  now += 60_000;
  const record = { generated_at: new Date(now).toISOString(), details: result };
  await world.server.client().rest.repos.createOrUpdateFileContents({
    owner: OWNER,
    repo: "telemetry",
    path: `telemetry/v1/repos/acme-widgets/2026-11-21/${correlationId}/reconcile.json`,
    message: `record ${correlationId}`,
    content: Buffer.from(JSON.stringify(record)).toString("base64"),
  });
}

const listings = () => world.sent.filter((r) => r.method === "GET" && /\/issues\?/.test(r.path));

describe("reconcile against the local GitHub", () => {
  it("dry run: prints the issues considered, those that would change by rule, and the writes; writes nothing", async () => {
    const result = await engine.run(world.context({ clock, sleep, dry_run: true }));
    expectResultContract(result);
    expect(result.summary).toBe("Dry run: 12 open issues considered, 4 would change, 4 writes planned");
    expect(result.plan).toEqual([
      "Issues considered: 12",
      "Issues that would change: 4",
      "  scoped.labels.pruned: 4",
      "  warning track.exclusive.violation: 1",
      "Writes planned: 4 (4 label removals, 0 milestone changes)",
      "  #3: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "  #6: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "  #9: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
      "  #12: [workflow::doing, workflow::todo] → [workflow::todo] (scoped.labels.pruned)",
    ]);
    expect(writes(world.sent)).toEqual([]);
    expect(result.checks).toContainEqual({
      id: "track.exclusive.violation",
      outcome: "WARN",
      details: { issues: 1 },
    });
  });

  it("enforces every open issue, paced, records each change, and a second run costs only a 304", async () => {
    const result = await engine.run(world.context({ clock, sleep }));
    expect(result.ok).toBe(true);
    expect(writes(world.sent).map((r) => `${r.method} ${r.path}`)).toEqual(
      [3, 6, 9, 12].map((n) => `DELETE /repos/acme/widgets/issues/${n}/labels/workflow::doing`),
    );
    for (const n of [3, 6, 9, 12]) expect((await issueState(world, n)).labels).toEqual(["workflow::todo"]);
    expect(result.changes_total).toBe(4);
    expect((result.changes as unknown[])[0]).toEqual({
      number: 3,
      before: { labels: ["workflow::doing", "workflow::todo"], milestone: null },
      after: { labels: ["workflow::todo"], milestone: null },
      rules: ["scoped.labels.pruned"],
    });
    // Paced on the injected clock: a second between writes, no real waiting.
    expect(sleeps).toEqual([1_000, 1_000, 1_000]);
    const state = result.reconcile as ReconcileState & { requests: Record<string, number> };
    expect(state.stopped).toEqual({ reason: "complete" });
    // Issue #5 still carries two tracks (warn only): its page is not settled, so it keeps no ETag.
    expect(state.pages).toEqual([]);
    await storeRecord(result, "reconcile-1");

    // Without the warning the page settles; the next run after that answers 304 for the listing.
    await world.server
      .client()
      .rest.issues.removeLabel({ owner: OWNER, repo: REPO, issue_number: 5, name: "track/b" });
    await world.resetRequests();
    const second = await engine.run(world.context({ clock, sleep }));
    expect(writes(world.sent)).toEqual([]);
    expect((second.reconcile as ReconcileState).pages).toEqual([
      { page: 1, etag: expect.stringMatching(/^W\//), entries: 12 },
    ]);
    await storeRecord(second, "reconcile-2");

    await world.resetRequests();
    const third = await engine.run(world.context({ clock, sleep }));
    expect(third.summary).toBe("0 open issues considered, 0 changed, 0 writes");
    expect(writes(world.sent)).toEqual([]);
    expect(listings()).toHaveLength(1);
    const counts = await world.serverCounts();
    expect(counts["GET /repos/{owner}/{repo}/issues 304"]).toBe(1);
    expect(counts["GET /repos/{owner}/{repo}/issues 200"]).toBeUndefined();
    // The settled pages carry on to the next record.
    expect((third.reconcile as ReconcileState).pages).toEqual((second.reconcile as ReconcileState).pages);
  });
});

describe("reconcileIssues: pages, budget and resume", () => {
  const config = (() => {
    const validated = validateConfig(CONFIG, { file: CONFIG_PATH });
    if (!("value" in validated)) throw new Error("test config invalid");
    return validated.value;
  })();
  const target = { owner: OWNER, repo: "paged" };
  let github: ReturnType<EngineWorld["server"]["client"]>;
  const io = (): ReconcileIO => ({
    listPage: (page, etag) => listIssuePage(github, target, page, etag, 5),
    labelEvents: () => Promise.resolve([]),
    milestones: () => Promise.resolve([]),
    ...githubWrites(github, target),
    nowMs: () => now,
    sleep,
  });
  const run = (previous: ReconcileState | undefined, budget: number) =>
    reconcileIssues(io(), {
      config,
      config_sha: "sha-1",
      ...(previous === undefined ? {} : { previous }),
      dry_run: false,
      write_budget: budget,
      page_size: 5,
    });

  beforeAll(async () => {
    github = world.server.client();
    await github.rest.repos.createInOrg({ org: OWNER, name: "paged" });
    // 23 issues, five to a page; every odd one needs one label removed.
    for (let n = 1; n <= 23; n += 1) {
      await github.rest.issues.create({
        ...target,
        title: `P${n}`,
        labels: n % 2 === 1 ? ["workflow::doing", "workflow::todo"] : ["workflow::todo"],
      });
    }
  });

  it("stops at its budget, resumes where it stopped, skips none when issues before the stop close, then settles every page", async () => {
    const first = await run(undefined, 5);
    expect(first.writes.total).toBe(5);
    expect(first.state.stopped).toEqual({ reason: "budget", next_page: 3, after_issue: 10 });
    expect(first.changes.map((change) => change.number)).toEqual([1, 3, 5, 7, 9]);

    // Two issues of the first pages close: issue 11 moves from page 3 to page 2.
    for (const issue_number of [2, 4]) {
      await github.rest.issues.update({ ...target, issue_number, state: "closed" });
    }
    const second = await run(first.state, 5);
    expect(second.changes.map((change) => change.number)).toEqual([11, 13, 15, 17, 19]);
    expect(second.state.stopped).toEqual({ reason: "budget", next_page: 4, after_issue: 20 });

    const third = await run(second.state, 5);
    expect(third.changes.map((change) => change.number)).toEqual([21, 23]);
    expect(third.state.stopped).toEqual({ reason: "complete" });
    expect(maxInWindow([...first.write_times, ...second.write_times], 60_000)).toBeLessThanOrEqual(60);

    // A full pass from the top settles every page, after which the whole listing is 304s.
    const fourth = await run(third.state, 5);
    expect(fourth.writes.total).toBe(0);
    expect(fourth.state.pages.map((page) => page.page)).toEqual([1, 2, 3, 4, 5]);
    const fifth = await run(fourth.state, 5);
    expect(fifth.requests).toEqual({ pages: 5, pages_not_modified: 5, pages_reread: 0, label_events: 0 });
    expect(fifth.considered).toBe(0);

    // A person breaks issue 12 again: its page answers 200, is planned and fixed; the others stay 304.
    await github.rest.issues.addLabels({ ...target, issue_number: 12, labels: ["workflow::doing"] });
    const sixth = await run(fifth.state, 5);
    expect(sixth.changes.map((change) => change.number)).toEqual([12]);
    expect(sixth.requests.pages_not_modified).toBe(4);
  });

  it("forgets the ETags when the config changed: other rules may judge the same page differently", async () => {
    const settled: ReconcileState = {
      config_sha: "sha-0",
      stopped: { reason: "complete" },
      pages: [{ page: 1, etag: 'W/"x"', entries: 5 }],
    };
    const report = await run(settled, 100);
    expect(report.requests.pages_not_modified).toBe(0);
  });
});
