/**
 * The dashboard contract v1 (DESIGN §5.8; schema `schemas/dashboard.v1.schema.json`). Two documents:
 * one `RepoDashboard` per monitored repository and one `OrgIndex` that rolls the org's repositories up.
 * Both are derived from raw telemetry only, deterministic apart from `generated_at`.
 */

export const DASHBOARD_VERSION = "1.0" as const;

export type DashboardStatus = "healthy" | "no-telemetry" | "invalid-telemetry";

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
  status: DashboardStatus;
  summary: string;
  metrics: {
    runs: number;
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
  problems: { count: number; items: TelemetryProblem[] };
}

export interface OrgRepoRow {
  repository: string;
  status: DashboardStatus;
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
  /** The worst status of any repository (invalid > no-telemetry > healthy); `no-telemetry` when none. */
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
