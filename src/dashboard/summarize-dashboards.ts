import { formatCount } from "./format-count.js";
import {
  DASHBOARD_VERSION,
  type Coverage,
  type DashboardSet,
  type DashboardStatus,
  type DayStats,
  type EngineStats,
  type OrgIndex,
  type OrgRepoRow,
  type RepoDashboard,
  type RepoHealth,
  type TelemetryProblem,
  type WarningSummary,
} from "./dashboard-types.js";
import { addDays, daysBetween } from "./day-math.js";
import type { ResultOptions } from "./create-reducer.js";
import { RUN_ENGINE, RUN_FAILED, RUN_PREFLIGHT, type RepoState } from "./reducer-state.js";
import { compareEngines } from "./compare-engines.js";

/** How many failure reasons a dashboard lists (the most frequent). */
export const TOP_REASONS = 10;

export interface SummaryInput {
  owner: string;
  repos: ReadonlyMap<string, RepoState>;
  orgProblems: { count: number; items: TelemetryProblem[] };
}

/** Turns reducer state into the dashboard documents; deterministic apart from `generatedAt`. */
export function summarizeDashboards(input: SummaryInput, options: ResultOptions): DashboardSet {
  const prefix = `${input.owner}-`;
  const folders = new Set(input.repos.keys());
  for (const fullName of options.expectedRepos ?? []) {
    const slash = fullName.indexOf("/");
    if (slash > 0 && fullName.slice(0, slash) === input.owner)
      folders.add(`${prefix}${fullName.slice(slash + 1)}`);
  }
  const repos = [...folders]
    .sort()
    .map((folder) =>
      summarizeRepo(`${input.owner}/${folder.slice(prefix.length)}`, input.repos.get(folder), options),
    );
  return { index: summarizeOrg(input, repos, options), repos };
}

function summarizeRepo(
  repository: string,
  state: RepoState | undefined,
  options: ResultOptions,
): RepoDashboard {
  const base = {
    kind: "repo" as const,
    dashboard_version: DASHBOARD_VERSION as typeof DASHBOARD_VERSION,
    generated_at: options.generatedAt,
    repository,
    telemetry_repo: options.telemetryRepo,
    telemetry_commit: options.telemetryCommit,
    web_url: options.webUrl ?? null,
  };
  const registry =
    state?.registry == null
      ? { context: null, state: null, outcome: null, registry_sha: null, at: null, path: null }
      : { ...state.registry };
  if (state === undefined) {
    return {
      ...base,
      status: "no-telemetry",
      health: { runs: "none", failing_engines: [], records: "none" },
      summary: "No telemetry yet.",
      registry,
      metrics: {
        runs: 0,
        failed_runs: 0,
        records: 0,
        invalid_records: 0,
        partial_runs: 0,
        success: 0,
        failure: 0,
      },
      engines: {},
      failure_reasons: [],
      coverage: { first_day: null, last_day: null, days_present: 0, days_in_range: 0, gaps: [] },
      days: [],
      enforcement: { label_prunes: 0, labels_removed: 0, milestones_set: 0 },
      engine_refs: [],
      recent_failures: [],
      changes: { total: 0, recent: [] },
      warnings: [],
      problems: { count: 0, items: [] },
    };
  }

  let runCount = 0;
  let partialRuns = 0;
  let failedRuns = 0;
  for (const dayRuns of state.runs.values()) {
    runCount += dayRuns.size;
    for (const mask of dayRuns.values()) {
      if (mask & RUN_ENGINE && !(mask & RUN_PREFLIGHT)) partialRuns += 1;
      if (mask & RUN_FAILED) failedRuns += 1;
    }
  }

  const engines: Record<string, EngineStats> = {};
  let success = 0;
  let failure = 0;
  for (const [engine, stats] of [...state.engines].sort(([a], [b]) => (a < b ? -1 : 1))) {
    engines[engine] = { success: stats.success, failure: stats.failure, last: { ...stats.last } };
    success += stats.success;
    failure += stats.failure;
  }

  const dayNames = [...state.days.keys()].sort();
  const days: DayStats[] = dayNames.map((name) => {
    const day = state.days.get(name)!;
    const dayEngines: DayStats["engines"] = {};
    for (const engine of Object.keys(day.engines).sort()) {
      const [ok, failed] = day.engines[engine];
      dayEngines[engine] = { success: ok, failure: failed };
    }
    return {
      day: name,
      runs: state.runs.get(name)?.size ?? 0,
      engines: dayEngines,
      enforcement: {
        label_prunes: day.enforcement[0],
        labels_removed: day.enforcement[1],
        milestones_set: day.enforcement[2],
      },
      validation: {
        success: day.validation[0],
        failure: day.validation[1],
        checks: { PASS: day.validation[2], WARN: day.validation[3], FAIL: day.validation[4] },
      },
      invalid_records: day.invalid,
    };
  });
  const enforcement = { label_prunes: 0, labels_removed: 0, milestones_set: 0 };
  for (const day of days) {
    enforcement.label_prunes += day.enforcement.label_prunes;
    enforcement.labels_removed += day.enforcement.labels_removed;
    enforcement.milestones_set += day.enforcement.milestones_set;
  }

  const failure_reasons = [...state.reasons]
    .map(([reason, r]) => ({ reason, count: r.count, engines: [...r.engines], last_at: r.last_at }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .slice(0, TOP_REASONS);
  const engine_refs = [...state.refs]
    .map(([engine_ref, r]) => ({ engine_ref, ...r }))
    .sort((a, b) =>
      a.last_seen !== b.last_seen
        ? a.last_seen < b.last_seen
          ? 1
          : -1
        : a.engine_ref < b.engine_ref
          ? -1
          : 1,
    );

  const records = success + failure;
  const invalid = state.problems.count;
  const coverage = coverageOf(dayNames);
  const runEngines = Object.keys(engines).filter((engine) => engine !== "dashboard");
  const failingEngines = runEngines.filter((engine) => !engines[engine].last.ok).sort(compareEngines);
  const health: RepoHealth = {
    runs: runEngines.length === 0 ? "none" : failingEngines.length > 0 ? "failing" : "succeeding",
    failing_engines: failingEngines,
    records: invalid > 0 ? "invalid" : records === 0 ? "none" : "valid",
  };
  const status: DashboardStatus =
    health.runs === "failing"
      ? "failing"
      : invalid > 0
        ? "invalid-telemetry"
        : records === 0
          ? "no-telemetry"
          : "healthy";
  const warnings: WarningSummary[] = [...state.warnings]
    .map(([code, w]) => ({ code, ...w, engines: [...w.engines] }))
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    ...base,
    status,
    health,
    summary: repoSummary({ runs: runCount, records, failure, invalid, coverage, failingEngines }),
    registry,
    metrics: {
      runs: runCount,
      failed_runs: failedRuns,
      records,
      invalid_records: invalid,
      partial_runs: partialRuns,
      success,
      failure,
    },
    engines,
    failure_reasons,
    coverage,
    days,
    enforcement,
    engine_refs,
    recent_failures: state.recent_failures.map((f) => ({ ...f })),
    changes: {
      total: state.changes_total,
      recent: state.recent_changes.map((c) => ({
        ...c,
        before: { ...c.before, labels: [...c.before.labels] },
        after: { ...c.after, labels: [...c.after.labels] },
        rules: [...c.rules],
      })),
    },
    warnings,
    problems: { count: invalid, items: state.problems.items.map((p) => ({ ...p })) },
  };
}

/** First and last day, days present, and every run of missing days between them. */
export function coverageOf(sortedDays: readonly string[]): Coverage {
  if (sortedDays.length === 0) {
    return { first_day: null, last_day: null, days_present: 0, days_in_range: 0, gaps: [] };
  }
  const gaps: Coverage["gaps"] = [];
  for (let i = 1; i < sortedDays.length; i += 1) {
    const missing = daysBetween(sortedDays[i - 1], sortedDays[i]) - 1;
    if (missing > 0) {
      gaps.push({ from: addDays(sortedDays[i - 1], 1), to: addDays(sortedDays[i], -1), days: missing });
    }
  }
  const first = sortedDays[0];
  const last = sortedDays[sortedDays.length - 1];
  return {
    first_day: first,
    last_day: last,
    days_present: sortedDays.length,
    days_in_range: daysBetween(first, last) + 1,
    gaps,
  };
}

function repoSummary(m: {
  runs: number;
  records: number;
  failure: number;
  invalid: number;
  coverage: Coverage;
  failingEngines: readonly string[];
}) {
  const parts: string[] = [];
  if (m.failingEngines.length > 0) parts.push(`Last run of ${m.failingEngines.join(", ")} failed.`);
  if (m.records === 0) parts.push("No valid records.");
  else {
    parts.push(
      `${plural(m.runs, "run")}, ${plural(m.records, "record")} (${m.failure} failed) from ${m.coverage.first_day} to ${m.coverage.last_day}.`,
    );
    const missing = m.coverage.days_in_range - m.coverage.days_present;
    if (missing > 0) parts.push(`${plural(missing, "day")} without telemetry.`);
  }
  if (m.invalid > 0)
    parts.push(
      `${plural(m.invalid, "file")} under telemetry/v1/repos/ ${m.invalid === 1 ? "is not a valid record" : "are not valid records"}.`,
    );
  return parts.join(" ");
}

const STATUS_RANK: Record<DashboardStatus, number> = {
  healthy: 0,
  "no-telemetry": 1,
  "invalid-telemetry": 2,
  failing: 3,
};

function summarizeOrg(
  input: SummaryInput,
  repos: readonly RepoDashboard[],
  options: ResultOptions,
): OrgIndex {
  const by_status: Record<DashboardStatus, number> = {
    healthy: 0,
    failing: 0,
    "no-telemetry": 0,
    "invalid-telemetry": 0,
  };
  const totals = {
    repos: repos.length,
    runs: 0,
    records: 0,
    success: 0,
    failure: 0,
    invalid_records: 0,
    by_status,
  };
  const rows: OrgRepoRow[] = repos.map((repo) => {
    by_status[repo.status] += 1;
    totals.runs += repo.metrics.runs;
    totals.records += repo.metrics.records;
    totals.success += repo.metrics.success;
    totals.failure += repo.metrics.failure;
    totals.invalid_records += repo.metrics.invalid_records;
    let last: { at: string; correlation_id: string; engine_ref: string; path: string } | undefined;
    const failures_by_engine: Record<string, number> = {};
    for (const [engine, stats] of Object.entries(repo.engines)) {
      if (stats.failure > 0) failures_by_engine[engine] = stats.failure;
      if (
        last === undefined ||
        stats.last.at > last.at ||
        (stats.last.at === last.at && stats.last.path > last.path)
      ) {
        last = stats.last;
      }
    }
    return {
      repository: repo.repository,
      status: repo.status,
      health: { ...repo.health, failing_engines: [...repo.health.failing_engines] },
      registry: { context: repo.registry.context, state: repo.registry.state },
      failed_runs: repo.metrics.failed_runs,
      changes_total: repo.changes.total,
      warnings: repo.warnings.reduce((sum, warning) => sum + warning.count, 0),
      dashboard: dashboardPath(repo.repository),
      runs: repo.metrics.runs,
      records: repo.metrics.records,
      success: repo.metrics.success,
      failure: repo.metrics.failure,
      invalid_records: repo.metrics.invalid_records,
      last_run_at: last?.at ?? null,
      last_correlation_id: last?.correlation_id ?? null,
      last_engine_ref: last?.engine_ref ?? null,
      failures_by_engine,
    };
  });
  const orgInvalid = input.orgProblems.count > 0;
  const worst = repos.reduce<DashboardStatus>(
    (acc, repo) => (STATUS_RANK[repo.status] > STATUS_RANK[acc] ? repo.status : acc),
    repos.length === 0 ? "no-telemetry" : "healthy",
  );
  const status: DashboardStatus = orgInvalid ? "invalid-telemetry" : worst;
  const summary =
    repos.length === 0
      ? "No repositories with telemetry."
      : `${plural(repos.length, "repository", "repositories")}: ${by_status.healthy} healthy, ${by_status.failing} failing, ${by_status["no-telemetry"]} without telemetry, ${by_status["invalid-telemetry"]} with invalid telemetry.` +
        (orgInvalid ? ` ${plural(input.orgProblems.count, "file")} belong to no repository of the org.` : "");
  return {
    kind: "org",
    dashboard_version: DASHBOARD_VERSION,
    generated_at: options.generatedAt,
    owner: input.owner,
    telemetry_repo: options.telemetryRepo,
    telemetry_commit: options.telemetryCommit,
    web_url: options.webUrl ?? null,
    status,
    summary,
    totals,
    repos: rows,
    problems: { count: input.orgProblems.count, items: input.orgProblems.items.map((p) => ({ ...p })) },
  };
}

/** Where a repository's dashboard lives in the telemetry repository. */
export function dashboardPath(repository: string): string {
  return `${DASHBOARDS_ROOT}/${repository.replace("/", "-")}/dashboard.json`;
}

export const DASHBOARDS_ROOT = "telemetry/v1/dashboards";

function plural(count: number, word: string, many = `${word}s`): string {
  return `${formatCount(count)} ${count === 1 ? word : many}`;
}
