import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aRecord, type RecordSpec } from "../../test/dashboard/a-record.js";
import { canonicalJson } from "../util/canonical-json.js";
import { createReducer, type DashboardReducer, type ResultOptions } from "./create-reducer.js";
import type { ReducerState } from "./reducer-state.js";

const RESULT: ResultOptions = {
  generatedAt: "2026-11-22T00:00:00.000Z",
  telemetryRepo: "acme/telemetry",
  telemetryCommit: "0123456789abcdef0123456789abcdef01234567",
};

function reduce(specs: RecordSpec[], reducer: DashboardReducer = createReducer({ owner: "acme" })) {
  for (const spec of specs) {
    const { path, record } = aRecord(spec);
    reducer.add(path, record);
  }
  return reducer;
}

/** A run: preflight plus the mode's engines, all under one correlation id. */
function aRun(cid: string, at: string, engines: RecordSpec[] = [{ engine: "validate" }]): RecordSpec[] {
  return [{ engine: "preflight", cid, at }, ...engines.map((spec) => ({ cid, at, ...spec }))];
}

describe("the dashboard reducer", () => {
  it("counts runs, records and each engine's successes, failures and newest result", () => {
    const { repos } = reduce([
      ...aRun("100-1", "2026-11-20T08:00:00.000Z"),
      ...aRun("101-1", "2026-11-21T08:00:00.000Z", [
        { engine: "enforce", ok: false, reason: "issue #12 is locked", ref: "v1.5.0" },
      ]),
      ...aRun("102-1", "2026-11-21T09:00:00.000Z", [{ engine: "enforce", ref: "v1.5.0" }]),
    ]).result(RESULT);

    expect(repos).toHaveLength(1);
    const widgets = repos[0];
    expect(widgets.repository).toBe("acme/widgets");
    expect(widgets.status).toBe("healthy");
    expect(widgets.metrics).toEqual({
      runs: 3,
      failed_runs: 1,
      records: 6,
      invalid_records: 0,
      partial_runs: 0,
      success: 5,
      failure: 1,
    });
    expect(widgets.engines.preflight).toMatchObject({ success: 3, failure: 0 });
    expect(widgets.engines.enforce).toMatchObject({ success: 1, failure: 1 });
    expect(widgets.engines.enforce.last).toEqual({
      at: "2026-11-21T09:00:00.000Z",
      ok: true,
      correlation_id: "102-1",
      engine_ref: "v1.5.0",
      path: "telemetry/v1/repos/acme-widgets/2026-11-21/102-1/enforce.json",
      summary: "enforce passed",
      reason: null,
    });
    expect(widgets.days.map((day) => [day.day, day.runs])).toEqual([
      ["2026-11-20", 1],
      ["2026-11-21", 2],
    ]);
    expect(widgets.days[1].engines).toEqual({
      enforce: { success: 1, failure: 1 },
      preflight: { success: 2, failure: 0 },
    });
  });

  it("ranks failure reasons by frequency and lists recent failures newest first", () => {
    const { repos } = reduce([
      {
        engine: "enforce",
        cid: "1-1",
        at: "2026-11-01T01:00:00.000Z",
        ok: false,
        reason: "milestone missing",
      },
      { engine: "enforce", cid: "2-1", at: "2026-11-02T01:00:00.000Z", ok: false, reason: "issue locked" },
      {
        engine: "validate",
        cid: "3-1",
        at: "2026-11-03T01:00:00.000Z",
        ok: false,
        reason: "milestone missing",
      },
    ]).result(RESULT);
    const [widgets] = repos;
    expect(widgets.failure_reasons).toEqual([
      {
        reason: "milestone missing",
        count: 2,
        engines: ["enforce", "validate"],
        last_at: "2026-11-03T01:00:00.000Z",
      },
      { reason: "issue locked", count: 1, engines: ["enforce"], last_at: "2026-11-02T01:00:00.000Z" },
    ]);
    expect(widgets.recent_failures.map((f) => [f.correlation_id, f.engine, f.path])).toEqual([
      ["3-1", "validate", "telemetry/v1/repos/acme-widgets/2026-11-03/3-1/validate.json"],
      ["2-1", "enforce", "telemetry/v1/repos/acme-widgets/2026-11-02/2-1/enforce.json"],
      ["1-1", "enforce", "telemetry/v1/repos/acme-widgets/2026-11-01/1-1/enforce.json"],
    ]);
  });

  it("shows coverage gaps where whole days of telemetry are missing", () => {
    const { repos } = reduce([
      { cid: "a", at: "2026-11-01T00:00:00.000Z" },
      { cid: "b", at: "2026-11-02T00:00:00.000Z" },
      { cid: "c", at: "2026-11-05T00:00:00.000Z" },
      { cid: "d", at: "2026-11-07T00:00:00.000Z" },
    ]).result(RESULT);
    expect(repos[0].coverage).toEqual({
      first_day: "2026-11-01",
      last_day: "2026-11-07",
      days_present: 4,
      days_in_range: 7,
      gaps: [
        { from: "2026-11-03", to: "2026-11-04", days: 2 },
        { from: "2026-11-06", to: "2026-11-06", days: 1 },
      ],
    });
    expect(repos[0].summary).toContain("3 days without telemetry");
  });

  it("counts runs whose preflight record is missing as partial, and a run spanning midnight once, on its run date", () => {
    const { repos } = reduce([
      { engine: "enforce", cid: "orphan-1" },
      { engine: "preflight", cid: "late-1", at: "2026-11-20T23:59:59.900Z" },
      { engine: "enforce", cid: "late-1", at: "2026-11-21T00:00:00.100Z", runDate: "2026-11-20" },
      { engine: "dashboard", cid: "fanout-1" },
    ]).result(RESULT);
    expect(repos[0].metrics.runs).toBe(3);
    expect(repos[0].metrics.partial_runs).toBe(1);
    expect(repos[0].days.map((day) => [day.day, day.runs])).toEqual([
      ["2026-11-20", 1],
      ["2026-11-21", 2],
    ]);
    expect(repos[0].days[0].engines).toEqual({
      enforce: { success: 1, failure: 0 },
      preflight: { success: 1, failure: 0 },
    });
  });

  it("turns enforce actions into labels pruned and milestones set per day", () => {
    const { repos } = reduce([
      {
        engine: "enforce",
        cid: "e-1",
        actions: [
          { id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] },
          {
            id: "priority.labels.pruned",
            kept: "priority/high",
            removed: ["priority/low", "priority/medium"],
          },
          { id: "issue.milestone.set", from: null, to: "Phase 2", reason: "phase-2" },
        ],
      },
      {
        engine: "enforce",
        cid: "e-2",
        actions: [{ id: "issue.milestone.set", from: "A", to: "B", reason: "phase-3" }],
      },
      { engine: "materialize", cid: "m-1", actions: [{ id: "phase.labels.pruned", removed: ["x"] }] },
    ]).result(RESULT);
    expect(repos[0].days[0].enforcement).toEqual({ label_prunes: 2, labels_removed: 3, milestones_set: 2 });
    expect(repos[0].enforcement).toEqual({ label_prunes: 2, labels_removed: 3, milestones_set: 2 });
  });

  it("records validation outcomes and check results per day", () => {
    const { repos } = reduce([
      {
        engine: "validate",
        cid: "v-1",
        checks: [
          { id: "config.schema", outcome: "PASS" },
          { id: "config.refs", outcome: "WARN" },
        ],
      },
      { engine: "validate", cid: "v-2", ok: false, checks: [{ id: "config.schema", outcome: "FAIL" }] },
    ]).result(RESULT);
    expect(repos[0].days[0].validation).toEqual({
      success: 1,
      failure: 1,
      checks: { PASS: 1, WARN: 1, FAIL: 1 },
    });
  });

  it("lists every engine_ref seen, newest first", () => {
    const { repos } = reduce([
      { cid: "1", at: "2026-11-01T00:00:00.000Z", ref: "v1.0.0" },
      { cid: "2", at: "2026-11-02T00:00:00.000Z", ref: "v1.1.0" },
      { cid: "3", at: "2026-11-03T00:00:00.000Z", ref: "v1.0.0" },
    ]).result(RESULT);
    expect(repos[0].engine_refs).toEqual([
      {
        engine_ref: "v1.0.0",
        records: 2,
        first_seen: "2026-11-01T00:00:00.000Z",
        last_seen: "2026-11-03T00:00:00.000Z",
      },
      {
        engine_ref: "v1.1.0",
        records: 1,
        first_seen: "2026-11-02T00:00:00.000Z",
        last_seen: "2026-11-02T00:00:00.000Z",
      },
    ]);
  });

  it("marks a repository with an invalid file invalid-telemetry and keeps files of other orgs apart", () => {
    const reducer = reduce([{ cid: "ok-1" }]);
    reducer.add("telemetry/v1/repos/acme-widgets/2026-11-21/bad-1/enforce.json", {
      problems: [{ path: "", message: "not JSON: Unexpected end of JSON input" }],
    });
    reducer.add("telemetry/v1/repos/other-thing/2026-11-21/x-1/enforce.json", {
      problems: [{ path: "/entity", message: "entity other/thing does not belong here" }],
    });
    const { index, repos } = reducer.result(RESULT);
    expect(repos[0].status).toBe("invalid-telemetry");
    expect(repos[0].problems).toEqual({
      count: 1,
      items: [
        {
          path: "telemetry/v1/repos/acme-widgets/2026-11-21/bad-1/enforce.json",
          message: "not JSON: Unexpected end of JSON input",
        },
      ],
    });
    expect(repos[0].days[0].invalid_records).toBe(1);
    expect(index.status).toBe("invalid-telemetry");
    expect(index.problems.count).toBe(1);
    expect(index.repos.map((row) => row.repository)).toEqual(["acme/widgets"]);
  });

  it("gives expected repositories without telemetry a no-telemetry dashboard", () => {
    const { index, repos } = reduce([{ cid: "1" }]).result({
      ...RESULT,
      expectedRepos: ["acme/gadgets", "acme/widgets", "other/ignored"],
    });
    expect(repos.map((repo) => [repo.repository, repo.status])).toEqual([
      ["acme/gadgets", "no-telemetry"],
      ["acme/widgets", "healthy"],
    ]);
    expect(index.status).toBe("no-telemetry");
    expect(index.totals.by_status).toEqual({
      healthy: 1,
      failing: 0,
      "no-telemetry": 1,
      "invalid-telemetry": 0,
    });
    expect(index.repos[1]).toMatchObject({
      repository: "acme/widgets",
      dashboard: "telemetry/v1/dashboards/acme-widgets/dashboard.json",
      last_correlation_id: "1",
      last_engine_ref: "v1.4.0",
    });
  });

  it("calls a repository whose newest run of an engine failed failing, apart from whether its records are valid", () => {
    const failing = reduce([
      ...aRun("1-1", "2026-11-20T08:00:00.000Z", [{ engine: "enforce" }]),
      ...aRun("2-1", "2026-11-21T08:00:00.000Z", [{ engine: "enforce", ok: false, reason: "locked" }]),
      // The dashboard engine's own record judges telemetry, not the repository's runs.
      { engine: "dashboard", cid: "3-1", at: "2026-11-21T09:00:00.000Z" },
    ]);
    const first = failing.result(RESULT);
    const index = first.index;
    let repos = first.repos;
    expect(repos[0].status).toBe("failing");
    expect(repos[0].health).toEqual({ runs: "failing", failing_engines: ["enforce"], records: "valid" });
    expect(repos[0].summary).toMatch(/^Last run of enforce failed\. /);
    expect(index.status).toBe("failing");
    expect(index.totals.by_status.failing).toBe(1);
    expect(index.repos[0]).toMatchObject({ status: "failing", failed_runs: 1 });

    // Invalid records do not hide failing runs, and are still reported as such.
    failing.add("telemetry/v1/repos/acme-widgets/2026-11-21/bad-1/enforce.json", {
      problems: [{ path: "", message: "not JSON" }],
    });
    ({ repos } = failing.result(RESULT));
    expect(repos[0].status).toBe("failing");
    expect(repos[0].health.records).toBe("invalid");

    // A newer successful run of the engine ends it; a failed dashboard record never starts it.
    const recovered = reduce(
      [
        ...aRun("4-1", "2026-11-22T08:00:00.000Z", [{ engine: "enforce" }]),
        { engine: "dashboard", cid: "5-1", at: "2026-11-22T09:00:00.000Z", ok: false, reason: "invalid" },
      ],
      reduce([...aRun("2-1", "2026-11-21T08:00:00.000Z", [{ engine: "enforce", ok: false }])]),
    );
    ({ repos } = recovered.result(RESULT));
    expect(repos[0].status).toBe("healthy");
    expect(repos[0].health).toEqual({ runs: "succeeding", failing_engines: [], records: "valid" });
    expect(repos[0].metrics.failed_runs).toBe(1);
  });

  it("takes the registry context and state from the newest preflight record, and none without one", () => {
    const registry = (context: string, state: string) => ({
      registry: { outcome: "ELIGIBLE", registry_sha: `sha-${context}`, source: "file", context, state },
    });
    const { repos } = reduce([
      {
        engine: "preflight",
        cid: "2-1",
        at: "2026-11-21T08:00:00.000Z",
        extra: registry("production", "enabled"),
      },
      {
        engine: "preflight",
        cid: "1-1",
        at: "2026-11-20T08:00:00.000Z",
        extra: registry("sandbox", "enabled"),
      },
      { repo: "acme/gadgets", engine: "enforce", cid: "3-1" },
    ]).result(RESULT);
    expect(repos.map((repo) => [repo.repository, repo.registry.context, repo.registry.state])).toEqual([
      ["acme/gadgets", null, null],
      ["acme/widgets", "production", "enabled"],
    ]);
    expect(repos[1].registry).toMatchObject({
      outcome: "ELIGIBLE",
      registry_sha: "sha-production",
      at: "2026-11-21T08:00:00.000Z",
      path: "telemetry/v1/repos/acme-widgets/2026-11-21/2-1/preflight.json",
    });
  });

  it("keeps the newest changes per repository, newest first, and counts every change", () => {
    const specs: RecordSpec[] = Array.from({ length: 25 }, (_, i) => ({
      engine: i % 5 === 0 ? "reconcile" : "enforce",
      cid: `c-${String(i).padStart(2, "0")}`,
      at: `2026-11-${String(1 + i).padStart(2, "0")}T00:00:00.000Z`,
      extra: {
        changes: [
          {
            number: 100 + i,
            before: { labels: ["track/sprint", "track/backlog"], milestone: null },
            after: { labels: ["track/sprint"], milestone: "Phase 2" },
            rules: ["track.labels.pruned"],
          },
        ],
        // Reconcile caps its list: the total counts the changes it left out too.
        changes_total: i % 5 === 0 ? 3 : 1,
      },
    }));
    const [widgets] = reduce(specs).result(RESULT).repos;
    expect(widgets.changes.total).toBe(20 + 5 * 3);
    expect(widgets.changes.recent).toHaveLength(20);
    expect(widgets.changes.recent.map((c) => c.number)).toEqual(
      Array.from({ length: 20 }, (_, i) => 124 - i),
    );
    expect(widgets.changes.recent[0]).toEqual({
      at: "2026-11-25T00:00:00.000Z",
      engine: "enforce",
      correlation_id: "c-24",
      number: 124,
      before: { labels: ["track/sprint", "track/backlog"], milestone: null },
      after: { labels: ["track/sprint"], milestone: "Phase 2" },
      rules: ["track.labels.pruned"],
      path: "telemetry/v1/repos/acme-widgets/2026-11-25/c-24/enforce.json",
    });
  });

  it("aggregates warnings by code: count, engines and the newest occurrence with its issue", () => {
    const violation = { id: "track.exclusive.violation", outcome: "WARN" as const };
    const [widgets] = reduce([
      {
        engine: "enforce",
        cid: "1-1",
        at: "2026-11-20T08:00:00.000Z",
        checks: [violation],
        extra: { issue: { number: 7 } },
      },
      {
        engine: "enforce",
        cid: "2-1",
        at: "2026-11-21T08:00:00.000Z",
        checks: [violation],
        extra: { issue: { number: 9 } },
      },
      {
        engine: "reconcile",
        cid: "3-1",
        at: "2026-11-19T08:00:00.000Z",
        checks: [
          { ...violation, details: { issues: 4 } } as never,
          { id: "phase.terminal.present", outcome: "WARN" },
          { id: "config.valid", outcome: "PASS" },
          { id: "issue.write", outcome: "FAIL" },
        ],
      },
    ]).result(RESULT).repos;
    expect(widgets.warnings).toEqual([
      {
        code: "track.exclusive.violation",
        count: 6,
        engines: ["enforce", "reconcile"],
        last_at: "2026-11-21T08:00:00.000Z",
        last_path: "telemetry/v1/repos/acme-widgets/2026-11-21/2-1/enforce.json",
        last_issue: 9,
      },
      {
        code: "phase.terminal.present",
        count: 1,
        engines: ["reconcile"],
        last_at: "2026-11-19T08:00:00.000Z",
        last_path: "telemetry/v1/repos/acme-widgets/2026-11-19/3-1/reconcile.json",
        last_issue: null,
      },
    ]);
  });

  it("reports an org with no telemetry at all as no-telemetry", () => {
    const { index, repos } = createReducer({ owner: "acme" }).result(RESULT);
    expect(repos).toEqual([]);
    expect(index.status).toBe("no-telemetry");
    expect(index.summary).toBe("No repositories with telemetry.");
  });
});

describe("the reducer's determinism", () => {
  const specArbitrary = fc.record({
    repo: fc.constantFrom("acme/widgets", "acme/gadgets", "acme/my-tools"),
    engine: fc.constantFrom("preflight", "validate", "enforce", "self-test", "dashboard"),
    cid: fc.constantFrom("1-1", "2-1", "3-1", "4-2", "run.5", "6-1", "7-1"),
    // Often the same instant for different records, so ties must be broken the same way every time.
    at: fc.oneof(
      fc
        .integer({ min: Date.parse("2026-10-25T00:00:00Z"), max: Date.parse("2026-11-25T00:00:00Z") })
        .map((ms) => new Date(ms).toISOString()),
      fc.constantFrom("2026-11-20T08:00:00.000Z", "2026-11-21T08:00:00.000Z"),
    ),
    ok: fc.boolean(),
    reason: fc.constantFrom("locked", "missing milestone", "rate limited"),
    ref: fc.constantFrom("v1.0.0", "v1.1.0"),
    actions: fc.constant([{ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }]),
    checks: fc.constantFrom(
      [],
      [{ id: "track.exclusive.violation", outcome: "WARN" as const }],
      [
        { id: "phase.terminal.present", outcome: "WARN" as const },
        { id: "track.exclusive.violation", outcome: "WARN" as const },
      ],
    ),
    extra: fc.constantFrom<Record<string, unknown>>(
      {},
      {
        registry: {
          outcome: "ELIGIBLE",
          registry_sha: "a",
          source: "file",
          context: "sandbox",
          state: "enabled",
        },
      },
      {
        registry: {
          outcome: "NOT_ELIGIBLE",
          registry_sha: "b",
          source: "file",
          context: "production",
          state: "disabled",
        },
      },
      { issue: { number: 3 } },
      ...[1, 2, 3].map((number) => ({
        changes: [
          {
            number,
            before: { labels: ["a", "b"], milestone: null },
            after: { labels: ["a"], milestone: null },
            rules: ["r"],
          },
          {
            number: number + 1,
            before: { labels: [], milestone: null },
            after: { labels: [], milestone: "M" },
            rules: ["m"],
          },
        ],
        changes_total: 2,
      })),
    ),
  });
  // Distinct paths only: the telemetry repository never holds two files at one path.
  const recordsArbitrary = fc.uniqueArray(specArbitrary, {
    // Enough records that the bounded lists (20 changes) overflow and must select the same ones.
    maxLength: 60,
    selector: (spec) => aRecord(spec).path,
  });
  const invalidArbitrary = fc.uniqueArray(fc.constantFrom("x-1", "x-2", "x-3"), { maxLength: 3 });

  function feed(reducer: DashboardReducer, specs: RecordSpec[], invalid: string[]) {
    for (const spec of specs) {
      const { path, record } = aRecord(spec);
      reducer.add(path, record);
    }
    for (const cid of invalid) {
      reducer.add(`telemetry/v1/repos/acme-widgets/2026-11-01/${cid}/enforce.json`, {
        problems: [{ path: "", message: "not JSON" }],
      });
    }
    return reducer;
  }

  it("gives the same bytes whatever order the records arrive in", () => {
    fc.assert(
      fc.property(
        recordsArbitrary,
        invalidArbitrary,
        fc.infiniteStream(fc.nat()),
        (specs, invalid, seeds) => {
          const shuffled = [...specs];
          for (let i = shuffled.length - 1; i > 0; i -= 1) {
            const j = seeds.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const a = feed(createReducer({ owner: "acme" }), specs, invalid).result(RESULT);
          const b = feed(createReducer({ owner: "acme" }), shuffled, [...invalid].reverse()).result(RESULT);
          expect(canonicalJson(b)).toBe(canonicalJson(a));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("resumed from stored state, gives exactly what one full pass gives", () => {
    fc.assert(
      fc.property(recordsArbitrary, fc.nat(), (specs, cut) => {
        const split = specs.length === 0 ? 0 : cut % (specs.length + 1);
        const full = feed(createReducer({ owner: "acme" }), specs, []).result(RESULT);
        const first = feed(createReducer({ owner: "acme" }), specs.slice(0, split), []);
        const stored = JSON.parse(canonicalJson(first.state())) as ReducerState;
        const resumed = feed(createReducer({ owner: "acme" }, stored), specs.slice(split), []).result(RESULT);
        expect(canonicalJson(resumed)).toBe(canonicalJson(full));
      }),
      { numRuns: 150 },
    );
  });

  it("keeps only a bounded list of recent failures however many there are", () => {
    const specs: RecordSpec[] = Array.from({ length: 60 }, (_, i) => ({
      engine: "enforce",
      cid: `run-${String(i).padStart(2, "0")}`,
      at: `2026-11-${String(1 + (i % 28)).padStart(2, "0")}T00:00:00.000Z`,
      ok: false,
      reason: `reason ${i % 4}`,
    }));
    const [widgets] = reduce(specs).result(RESULT).repos;
    expect(widgets.recent_failures).toHaveLength(20);
    expect(widgets.recent_failures[0].at).toBe("2026-11-28T00:00:00.000Z");
    expect(widgets.metrics.failure).toBe(60);
    expect(widgets.failure_reasons.map((r) => r.count)).toEqual([15, 15, 15, 15]);
  });
});
