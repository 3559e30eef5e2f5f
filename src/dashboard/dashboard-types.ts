/**
 * The dashboard contract v1 (DESIGN §5.8; schema `schemas/dashboard.v1.schema.json`). Two documents:
 * one `RepoDashboard` per monitored repository and one `OrgIndex` that rolls the org's repositories up.
 * Both are derived from raw telemetry only, deterministic apart from `generated_at`.
 */

export const DASHBOARD_VERSION = "1.0" as const;

/**
 * One word for a repository: `failing` when its newest runs failed, else `invalid-telemetry` when a
 * file under its records is not a valid record, else `no-telemetry` without records, else `healthy`.
 * `RepoHealth` keeps the two questions (runs succeeded? records valid?) apart.
 */
export type DashboardStatus = "healthy" | "failing" | "no-telemetry" | "invalid-telemetry";

/** Did the runs succeed, and are the records valid: two separate answers. */
export interface RepoHealth {
  /**
   * `failing` when the newest record of any engine that runs for the repository failed (the
   * dashboard engine's own records aside: they judge the telemetry, not the runs); `none` without
   * records.
   */
  runs: "succeeding" | "failing" | "none";
  /** Engines whose newest record failed, in runtime order. */
  failing_engines: string[];
  records: "valid" | "invalid" | "none";
}

/**
 * The registry's answer for the repository, as the newest preflight record that carries one saw it.
 * Every field is null when no record says (the page shows "unknown").
 */
export interface RegistryView {
  /** `production` or `sandbox`. */
  context: string | null;
  /** `enabled` or `disabled`. */
  state: string | null;
  /** The resolution outcome, e.g. `ELIGIBLE`, `NOT_REGISTERED`, `UNREADABLE`. */
  outcome: string | null;
  registry_sha: string | null;
  /** When, and in which record, preflight saw it. */
  at: string | null;
  path: string | null;
}

/** An issue's labels and milestone on one side of a change. */
export interface IssueFace {
  labels: string[];
  milestone: string | null;
}

/** One issue an enforce or reconcile run changed (from the record's `details.changes`). */
export interface RecentChange {
  at: string;
  engine: string;
  correlation_id: string;
  /** The issue number in the monitored repository. */
  number: number;
  before: IssueFace;
  after: IssueFace;
  /** The rules (action ids) that changed it. */
  rules: string[];
  path: string;
}

/** Warnings (checks with outcome WARN) of one code, over all of a repository's records. */
export interface WarningSummary {
  /** The check id, e.g. `track.exclusive.violation`. */
  code: string;
  /** Occurrences: one per WARN check, or its `details.issues` count when it sums several issues. */
  count: number;
  engines: string[];
  last_at: string;
  /** The newest record that reported it. */
  last_path: string;
  /** The issue that record was about (`details.issue.number`), if any. */
  last_issue: number | null;
}

/** Success and failure counts of one engine (or of all engines). */
export interface OutcomeCounts {
  success: number;
  failure: number;
}

/** The newest record of one engine for a repository. */
export interface LastResult {
  at: string;
  ok: boolean;
  correlation_id: string;
  engine_ref: string;
  path: string;
  summary: string | null;
  reason: string | null;
}

export interface EngineStats extends OutcomeCounts {
  last: LastResult;
}

export interface FailureReason {
  reason: string;
  count: number;
  /** Engines that failed with this reason, sorted. */
  engines: string[];
  last_at: string;
}

export interface CoverageGap {
  /** First missing day (inclusive). */
  from: string;
  /** Last missing day (inclusive). */
  to: string;
  days: number;
}

export interface Coverage {
  first_day: string | null;
  last_day: string | null;
  days_present: number;
  /** Days from first to last day inclusive; `days_present` < this means there are gaps. */
  days_in_range: number;
  gaps: CoverageGap[];
}

/** What enforce did on one day (from `details.actions` of enforce records). */
export interface EnforcementActivity {
  /** `<group>.labels.pruned` actions. */
  label_prunes: number;
  /** Labels removed by those actions. */
  labels_removed: number;
  /** `issue.milestone.set` actions. */
  milestones_set: number;
}

/** Outcomes of the `validate` engine on one day. */
export interface ValidationActivity extends OutcomeCounts {
  checks: { PASS: number; WARN: number; FAIL: number };
}

export interface DayStats {
  day: string;
  /** Correlations with at least one record dated this day. */
  runs: number;
  /** Records per engine and outcome. */
  engines: Record<string, OutcomeCounts>;
  enforcement: EnforcementActivity;
  validation: ValidationActivity;
  /** Files under this day that are not valid records. */
  invalid_records: number;
}

export interface EngineRefSeen {
  engine_ref: string;
  records: number;
  first_seen: string;
  last_seen: string;
}

export interface RecentFailure {
  at: string;
  engine: string;
  correlation_id: string;
  reason: string;
  path: string;
}

export interface TelemetryProblem {
  path: string;
  message: string;
}

export interface RepoDashboard {
  kind: "repo";
  dashboard_version: typeof DASHBOARD_VERSION;
  generated_at: string;
  /** `owner/repo` of the monitored repository. */
  repository: string;
  telemetry_repo: string;
  /** The telemetry commit the records were read from. */
  telemetry_commit: string | null;
  /** The GitHub web host the links point to (`https://github.com`), null when unknown. */
  web_url: string | null;
  status: DashboardStatus;
  health: RepoHealth;
  summary: string;
  registry: RegistryView;
  metrics: {
    runs: number;
    /** Runs with at least one failed record (dashboard records aside). */
    failed_runs: number;
    records: number;
    invalid_records: number;
    /** Correlations that have engine records but no preflight record (telemetry partly missing). */
    partial_runs: number;
    success: number;
    failure: number;
  };
  engines: Record<string, EngineStats>;
  failure_reasons: FailureReason[];
  coverage: Coverage;
  days: DayStats[];
  enforcement: EnforcementActivity;
  engine_refs: EngineRefSeen[];
  recent_failures: RecentFailure[];
  /** Issues changed in all (`changes_total` summed) and the newest changes, newest first. */
  changes: { total: number; recent: RecentChange[] };
  /** Warnings by code, most frequent first. */
  warnings: WarningSummary[];
  problems: { count: number; items: TelemetryProblem[] };
}

export interface OrgRepoRow {
  repository: string;
  status: DashboardStatus;
  health: RepoHealth;
  /** The registry's context and state for the repository (null: unknown). */
  registry: { context: string | null; state: string | null };
  failed_runs: number;
  changes_total: number;
  /** Warnings of every code, summed. */
  warnings: number;
  /** Path of the repository's dashboard.json inside the telemetry repository. */
  dashboard: string;
  runs: number;
  records: number;
  success: number;
  failure: number;
  invalid_records: number;
  last_run_at: string | null;
  last_correlation_id: string | null;
  last_engine_ref: string | null;
  /** Failure counts per engine (engines with at least one failure). */
  failures_by_engine: Record<string, number>;
}

export interface OrgIndex {
  kind: "org";
  dashboard_version: typeof DASHBOARD_VERSION;
  generated_at: string;
  owner: string;
  telemetry_repo: string;
  telemetry_commit: string | null;
  /** The GitHub web host the links point to (`https://github.com`), null when unknown. */
  web_url: string | null;
  /**
   * The worst status of any repository (failing > invalid > no-telemetry > healthy); `no-telemetry`
   * when none.
   */
  status: DashboardStatus;
  summary: string;
  totals: {
    repos: number;
    runs: number;
    records: number;
    success: number;
    failure: number;
    invalid_records: number;
    by_status: Record<DashboardStatus, number>;
  };
  repos: OrgRepoRow[];
  /** Files under `telemetry/v1/repos/` that belong to no repository of this org. */
  problems: { count: number; items: TelemetryProblem[] };
}

/** Everything one build produces for an org. */
export interface DashboardSet {
  index: OrgIndex;
  /** Sorted by repository. */
  repos: RepoDashboard[];
}
