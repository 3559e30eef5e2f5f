import type { Problem } from "../errors.js";
import type { TelemetryRecord } from "../telemetry/envelope.js";
import { parseRecordPath, RECORDS_ROOT } from "../telemetry/record-path.js";
import type { DashboardSet, IssueFace, RecentChange } from "./dashboard-types.js";
import {
  compareChanges,
  compareFailures,
  compareProblems,
  emptyDayState,
  emptyRepoState,
  FACE_LABELS_KEPT,
  insertBounded,
  isNewer,
  isNewerAt,
  PROBLEMS_KEPT,
  REASON_MAX,
  RECENT_CHANGES_KEPT,
  RECENT_FAILURES_KEPT,
  REDUCER_STATE_VERSION,
  RUN_DASHBOARD,
  RUN_ENGINE,
  RUN_FAILED,
  RUN_PREFLIGHT,
  WARNING_CODE_MAX,
  type DayState,
  type ReducerState,
  type RepoState,
  type SerializedRepoState,
} from "./reducer-state.js";
import { summarizeDashboards } from "./summarize-dashboards.js";

/** A file under `telemetry/v1/repos/` that is not a valid record, with every reason why. */
export interface RecordProblems {
  problems: readonly Problem[];
}

export interface ReducerOptions {
  /** The org whose telemetry repository is read; every repository directory must be `<owner>-…`. */
  owner: string;
}

export interface ResultOptions {
  generatedAt: string;
  telemetryRepo: string;
  telemetryCommit: string | null;
  /** The GitHub web host for links (`https://github.com`; see `webUrlOf`). */
  webUrl?: string | null;
  /**
   * Repositories that should have a dashboard even without telemetry (`owner/repo`, e.g. the
   * registry's enabled repositories); they appear as `no-telemetry`.
   */
  expectedRepos?: readonly string[];
}

export interface DashboardReducer {
  /**
   * Adds one file found under `telemetry/v1/repos/`: a valid record, or the problems that make it
   * invalid. Records must already have passed content and location checks (`checkRecordAt`).
   */
  add(path: string, entry: TelemetryRecord | RecordProblems): void;
  /** The dashboards for everything added so far (the reducer can keep going afterwards). */
  result(options: ResultOptions): DashboardSet;
  /**
   * The state as JSON-safe data; `createReducer(options, state)` resumes from it. It shares objects
   * with the reducer: serialise it before adding more records.
   */
  state(): ReducerState;
}

/**
 * The dashboard reducer (pure, streaming): feed it every record file once, in any order, then ask
 * for the dashboards. Memory grows with the number of runs, days, engines and distinct failure
 * reasons, never with record bytes. Resuming from `state()` and adding only new files gives exactly
 * what a full pass over all files gives.
 *
 * @example const reducer = createReducer({ owner: "acme" });
 *   reducer.add(path, record); const { index, repos } = reducer.result({ generatedAt, ... });
 */
export function createReducer(options: ReducerOptions, resume?: ReducerState): DashboardReducer {
  // `resume` is taken over, not copied: pass freshly parsed state.
  const prefix = `${options.owner}-`;
  const repos = new Map<string, RepoState>();
  const orgProblems = { count: 0, items: [] as { path: string; message: string }[] };
  if (resume !== undefined) {
    for (const [folder, serialized] of resume.repos) repos.set(folder, deserializeRepo(serialized));
    orgProblems.count = resume.org_problems.count;
    orgProblems.items = resume.org_problems.items.map((item) => ({ ...item }));
  }

  const repoFor = (folder: string): RepoState => {
    let repo = repos.get(folder);
    if (repo === undefined) {
      repo = emptyRepoState();
      repos.set(folder, repo);
    }
    return repo;
  };

  const addProblem = (path: string, problems: readonly Problem[]) => {
    const message = describeProblems(problems);
    const folder = folderOf(path);
    if (folder === undefined || !folder.startsWith(prefix) || folder.length === prefix.length) {
      orgProblems.count += 1;
      insertBounded(orgProblems.items, { path, message }, compareProblems, PROBLEMS_KEPT);
      return;
    }
    const repo = repoFor(folder);
    repo.problems.count += 1;
    insertBounded(repo.problems.items, { path, message }, compareProblems, PROBLEMS_KEPT);
    const date = path.split("/")[4];
    if (date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(date)) dayFor(repo, date).invalid += 1;
  };

  const addRecord = (path: string, record: TelemetryRecord) => {
    const parsed = parseRecordPath(path);
    if (parsed === undefined || !parsed.owner_repo.startsWith(prefix)) {
      addProblem(path, [{ path: "", message: "not a record path of this org" }]);
      return;
    }
    const repo = repoFor(parsed.owner_repo);
    const { date, correlation_id: cid, engine_name: engine } = parsed;
    const at = record.generated_at;
    const day = dayFor(repo, date);

    const bit = engine === "preflight" ? RUN_PREFLIGHT : engine === "dashboard" ? RUN_DASHBOARD : RUN_ENGINE;
    let dayRuns = repo.runs.get(date);
    if (dayRuns === undefined) repo.runs.set(date, (dayRuns = new Map<string, number>()));
    const failedRun = !record.ok && engine !== "dashboard" ? RUN_FAILED : 0;
    dayRuns.set(cid, (dayRuns.get(cid) ?? 0) | bit | failedRun);

    const outcome = day.engines[engine] ?? (day.engines[engine] = [0, 0]);
    outcome[record.ok ? 0 : 1] += 1;

    const reason = record.ok ? null : truncateReason(record.event.reason ?? `${engine} reported ok=false`);
    const summary = typeof record.details.summary === "string" ? record.details.summary : null;
    const last = {
      at,
      ok: record.ok,
      correlation_id: cid,
      engine_ref: record.engine_ref,
      path,
      summary,
      reason,
    };
    const stats = repo.engines.get(engine);
    if (stats === undefined) {
      repo.engines.set(engine, { success: record.ok ? 1 : 0, failure: record.ok ? 0 : 1, last });
    } else {
      if (record.ok) stats.success += 1;
      else stats.failure += 1;
      if (isNewer(last, stats.last)) stats.last = last;
    }

    if (reason !== null) {
      const known = repo.reasons.get(reason);
      if (known === undefined) repo.reasons.set(reason, { count: 1, engines: [engine], last_at: at });
      else {
        known.count += 1;
        if (!known.engines.includes(engine)) known.engines = [...known.engines, engine].sort();
        if (at > known.last_at) known.last_at = at;
      }
      insertBounded(
        repo.recent_failures,
        { at, engine, correlation_id: cid, reason, path },
        compareFailures,
        RECENT_FAILURES_KEPT,
      );
    }

    const ref = repo.refs.get(record.engine_ref);
    if (ref === undefined) repo.refs.set(record.engine_ref, { records: 1, first_seen: at, last_seen: at });
    else {
      ref.records += 1;
      if (at < ref.first_seen) ref.first_seen = at;
      if (at > ref.last_seen) ref.last_seen = at;
    }

    if (engine === "enforce") countEnforcement(day, record.details.actions);
    if (engine === "validate") countValidation(day, record.ok, record.details.checks);
    if (engine === "preflight") noteRegistry(repo, record.details.registry, at, path);
    noteChanges(repo, record.details, { at, engine, correlation_id: cid, path });
    noteWarnings(repo, record.details, engine, at, path);
  };

  return {
    add(path, entry) {
      if ("problems" in entry) addProblem(path, entry.problems);
      else addRecord(path, entry);
    },
    result(resultOptions) {
      return summarizeDashboards({ owner: options.owner, repos, orgProblems }, resultOptions);
    },
    state() {
      return {
        state_version: REDUCER_STATE_VERSION,
        owner: options.owner,
        repos: [...repos.entries()].sort(byKey).map(([folder, repo]) => [folder, serializeRepo(repo)]),
        org_problems: { count: orgProblems.count, items: orgProblems.items.map((item) => ({ ...item })) },
      };
    },
  };
}

function dayFor(repo: RepoState, date: string): DayState {
  let day = repo.days.get(date);
  if (day === undefined) {
    day = emptyDayState();
    repo.days.set(date, day);
  }
  return day;
}

/** `<group>.labels.pruned { kept, removed }` and `issue.milestone.set { from, to, reason }`. */
function countEnforcement(day: DayState, actions: unknown): void {
  if (!Array.isArray(actions)) return;
  for (const action of actions as unknown[]) {
    if (action === null || typeof action !== "object") continue;
    const { id, removed } = action as { id?: unknown; removed?: unknown };
    if (typeof id !== "string") continue;
    if (id.endsWith(".labels.pruned")) {
      day.enforcement[0] += 1;
      day.enforcement[1] += Array.isArray(removed)
        ? removed.length
        : typeof removed === "number"
          ? removed
          : 0;
    } else if (id === "issue.milestone.set") {
      day.enforcement[2] += 1;
    }
  }
}

/** Keeps the newest preflight record's registry answer (`details.registry`). */
function noteRegistry(repo: RepoState, registry: unknown, at: string, path: string): void {
  if (registry === null || typeof registry !== "object") return;
  const answer = registry as Record<string, unknown>;
  if (typeof answer.outcome !== "string") return;
  if (repo.registry !== null && !isNewerAt(at, path, repo.registry.at, repo.registry.path)) return;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value.slice(0, 120) : null);
  repo.registry = {
    context: text(answer.context),
    state: text(answer.state),
    outcome: text(answer.outcome),
    registry_sha: text(answer.registry_sha),
    at,
    path,
  };
}

/** `details.changes` and `details.changes_total` of enforce and reconcile records. */
function noteChanges(
  repo: RepoState,
  details: Record<string, unknown>,
  record: Pick<RecentChange, "at" | "engine" | "correlation_id" | "path">,
): void {
  const changes = details.changes;
  if (!Array.isArray(changes)) return;
  repo.changes_total +=
    typeof details.changes_total === "number" && Number.isInteger(details.changes_total)
      ? Math.max(details.changes_total, changes.length)
      : changes.length;
  for (const change of changes as unknown[]) {
    if (change === null || typeof change !== "object") continue;
    const { number, before, after, rules } = change as Record<string, unknown>;
    const beforeFace = faceOf(before);
    const afterFace = faceOf(after);
    if (typeof number !== "number" || !Number.isInteger(number) || !beforeFace || !afterFace) continue;
    insertBounded(
      repo.recent_changes,
      {
        ...record,
        number,
        before: beforeFace,
        after: afterFace,
        rules: Array.isArray(rules) ? rules.filter((rule): rule is string => typeof rule === "string") : [],
      },
      compareChanges,
      RECENT_CHANGES_KEPT,
    );
  }
}

function faceOf(value: unknown): IssueFace | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { labels, milestone } = value as Record<string, unknown>;
  if (!Array.isArray(labels)) return undefined;
  return {
    labels: labels.filter((label): label is string => typeof label === "string").slice(0, FACE_LABELS_KEPT),
    milestone: typeof milestone === "string" ? milestone : null,
  };
}

/**
 * Every WARN check, by code. A check that sums several issues (reconcile's `details.issues`) counts
 * that many occurrences.
 */
function noteWarnings(
  repo: RepoState,
  details: Record<string, unknown>,
  engine: string,
  at: string,
  path: string,
): void {
  if (!Array.isArray(details.checks)) return;
  const issue = (details.issue as { number?: unknown } | undefined)?.number;
  const lastIssue = typeof issue === "number" && Number.isInteger(issue) ? issue : null;
  for (const check of details.checks as unknown[]) {
    if (check === null || typeof check !== "object") continue;
    const { id, outcome, details: checkDetails } = check as Record<string, unknown>;
    if (outcome !== "WARN" || typeof id !== "string" || id === "") continue;
    const code = id.length > WARNING_CODE_MAX ? `${id.slice(0, WARNING_CODE_MAX - 1)}…` : id;
    const issues = (checkDetails as { issues?: unknown } | null | undefined)?.issues;
    const count = typeof issues === "number" && Number.isInteger(issues) && issues > 0 ? issues : 1;
    const known = repo.warnings.get(code);
    if (known === undefined) {
      repo.warnings.set(code, {
        count,
        engines: [engine],
        last_at: at,
        last_path: path,
        last_issue: lastIssue,
      });
      continue;
    }
    known.count += count;
    if (!known.engines.includes(engine)) known.engines = [...known.engines, engine].sort();
    if (isNewerAt(at, path, known.last_at, known.last_path)) {
      known.last_at = at;
      known.last_path = path;
      known.last_issue = lastIssue;
    }
  }
}

function countValidation(day: DayState, ok: boolean, checks: unknown): void {
  day.validation[ok ? 0 : 1] += 1;
  if (!Array.isArray(checks)) return;
  for (const check of checks as unknown[]) {
    const outcome =
      check !== null && typeof check === "object" ? (check as { outcome?: unknown }).outcome : undefined;
    if (outcome === "PASS") day.validation[2] += 1;
    else if (outcome === "WARN") day.validation[3] += 1;
    else if (outcome === "FAIL") day.validation[4] += 1;
  }
}

/** The `<owner>-<repo>` directory of a path under `telemetry/v1/repos/`, if it has one. */
function folderOf(path: string): string | undefined {
  if (!path.startsWith(`${RECORDS_ROOT}/`)) return undefined;
  const segments = path.slice(RECORDS_ROOT.length + 1).split("/");
  return segments.length >= 2 && segments[0] !== "" ? segments[0] : undefined;
}

function describeProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return "not a valid record";
  const first = problems
    .slice(0, 3)
    .map((problem) =>
      problem.path && !problem.message.includes(problem.path)
        ? `${problem.path}: ${problem.message}`
        : problem.message,
    );
  return problems.length > 3 ? `${first.join("; ")}; and ${problems.length - 3} more` : first.join("; ");
}

function truncateReason(reason: string): string {
  const oneLine = reason.replace(/\s+/g, " ").trim();
  return oneLine.length > REASON_MAX ? `${oneLine.slice(0, REASON_MAX - 1)}…` : oneLine;
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sortedEntries<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(byKey);
}

function serializeRepo(repo: RepoState): SerializedRepoState {
  // Shares the reducer's objects: callers serialise the state (or drop it) before adding more.
  return {
    runs: sortedEntries(repo.runs).map(([day, cids]) => [
      day,
      sortedEntries(cids)
        .map(([cid, mask]) => `${cid}=${mask}`)
        .join(","),
    ]),
    days: sortedEntries(repo.days),
    engines: sortedEntries(repo.engines),
    reasons: sortedEntries(repo.reasons),
    refs: sortedEntries(repo.refs),
    recent_failures: repo.recent_failures,
    problems: repo.problems,
    registry: repo.registry,
    changes_total: repo.changes_total,
    recent_changes: repo.recent_changes,
    warnings: sortedEntries(repo.warnings),
  };
}

/** Takes ownership of freshly parsed state (no copy: nothing else holds it). */
function deserializeRepo(serialized: SerializedRepoState): RepoState {
  const runs = new Map<string, Map<string, number>>();
  for (const [day, packed] of serialized.runs) {
    const dayRuns = new Map<string, number>();
    runs.set(day, dayRuns);
    if (packed === "") continue;
    for (const item of packed.split(",")) {
      const equals = item.lastIndexOf("=");
      const cid = item.slice(0, equals);
      const mask = Number(item.slice(equals + 1));
      dayRuns.set(cid, mask);
    }
  }
  return {
    runs,
    days: new Map(serialized.days),
    engines: new Map(serialized.engines),
    reasons: new Map(serialized.reasons),
    refs: new Map(serialized.refs),
    recent_failures: serialized.recent_failures,
    problems: serialized.problems,
    registry: serialized.registry,
    changes_total: serialized.changes_total,
    recent_changes: serialized.recent_changes,
    warnings: new Map(serialized.warnings),
  };
}
