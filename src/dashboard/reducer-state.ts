import type {
  LastResult,
  RecentChange,
  RecentFailure,
  RegistryView,
  TelemetryProblem,
} from "./dashboard-types.js";

/**
 * The reducer's serialisable state: everything it needs to resume, and nothing proportional to the
 * records' bytes. Counters add up; "newest" and "top N" fields keep a fixed-size selection under a
 * total order. Merging two states is therefore exact, and the order in which records arrive never
 * changes the result. Stored as `telemetry/v1/dashboards/state.json` for incremental builds.
 */
export const REDUCER_STATE_VERSION = 2;

/** Bits of a run's mask: which kinds of engine record a correlation has. */
export const RUN_PREFLIGHT = 1;
export const RUN_ENGINE = 2;
export const RUN_DASHBOARD = 4;
/** The run has a failed record (dashboard records aside). */
export const RUN_FAILED = 8;

/** Per day: `[success, failure]` per engine, enforcement and validation counters, invalid files. */
export interface DayState {
  engines: Record<string, [number, number]>;
  /** `[label prune actions, labels removed, milestones set]`. */
  enforcement: [number, number, number];
  /** `[validate ok, validate failed, checks PASS, WARN, FAIL]`. */
  validation: [number, number, number, number, number];
  invalid: number;
}

export interface ReasonState {
  count: number;
  engines: string[];
  last_at: string;
}

export interface WarningState {
  count: number;
  engines: string[];
  last_at: string;
  last_path: string;
  last_issue: number | null;
}

/** The newest preflight record's registry answer: `RegistryView` with `at` and `path` always set. */
export type RegistryState = RegistryView & { at: string; path: string };

export interface RefState {
  records: number;
  first_seen: string;
  last_seen: string;
}

/** One repository's accumulated telemetry, in memory (maps keyed by data are `Map`s, never objects). */
export interface RepoState {
  /**
   * Run date → correlation id → run mask. Every record of a run is under its run's date directory
   * (DESIGN §5.6), so each run is under exactly one day, also when it crossed midnight.
   */
  runs: Map<string, Map<string, number>>;
  days: Map<string, DayState>;
  engines: Map<string, { success: number; failure: number; last: LastResult }>;
  reasons: Map<string, ReasonState>;
  refs: Map<string, RefState>;
  recent_failures: RecentFailure[];
  problems: { count: number; items: TelemetryProblem[] };
  registry: RegistryState | null;
  /** `changes_total` summed over enforce and reconcile records. */
  changes_total: number;
  /** The newest changes (see `compareChanges`). */
  recent_changes: RecentChange[];
  /** Check id of each WARN check → its count and newest occurrence. */
  warnings: Map<string, WarningState>;
}

/**
 * `RepoState` as JSON: every map becomes a list of `[key, value]` pairs sorted by key. Runs, the
 * one part that grows with the number of records, are packed per day into one string
 * `"<cid>=<mask>,<cid>=<mask>"` (correlation ids never contain `=` or `,`), which keeps the stored
 * state small and cheap to parse.
 */
export interface SerializedRepoState {
  runs: [string, string][];
  days: [string, DayState][];
  engines: [string, { success: number; failure: number; last: LastResult }][];
  reasons: [string, ReasonState][];
  refs: [string, RefState][];
  recent_failures: RecentFailure[];
  problems: { count: number; items: TelemetryProblem[] };
  registry: RegistryState | null;
  changes_total: number;
  recent_changes: RecentChange[];
  warnings: [string, WarningState][];
}

/** The whole reducer state as stored between builds. */
export interface ReducerState {
  state_version: typeof REDUCER_STATE_VERSION;
  owner: string;
  /** Keyed by the repository's directory name under `telemetry/v1/repos/` (`<owner>-<repo>`), sorted. */
  repos: [string, SerializedRepoState][];
  /** Files that belong to no repository of the org. */
  org_problems: { count: number; items: TelemetryProblem[] };
}

/** How many recent failures and listed problems the state keeps (and the dashboards show). */
export const RECENT_FAILURES_KEPT = 20;
export const RECENT_CHANGES_KEPT = 20;
/** Labels kept per side of a change; a longer list is cut (the record keeps them all). */
export const FACE_LABELS_KEPT = 30;
/** Longest warning code kept; codes are check ids, so only a hostile record reaches this. */
export const WARNING_CODE_MAX = 120;
export const PROBLEMS_KEPT = 50;
/** Longest failure reason kept as a key; longer ones are cut so one huge reason cannot bloat state. */
export const REASON_MAX = 300;

export function emptyRepoState(): RepoState {
  return {
    runs: new Map(),
    days: new Map(),
    engines: new Map(),
    reasons: new Map(),
    refs: new Map(),
    recent_failures: [],
    problems: { count: 0, items: [] },
    registry: null,
    changes_total: 0,
    recent_changes: [],
    warnings: new Map(),
  };
}

export function emptyDayState(): DayState {
  return { engines: {}, enforcement: [0, 0, 0], validation: [0, 0, 0, 0, 0], invalid: 0 };
}

/** Newest first; ties broken by path so the order is total. */
export function compareFailures(a: RecentFailure, b: RecentFailure): number {
  return a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Newest first; then by record path and issue number, and, for the same issue twice in one record,
 * by content, so the order is total and the kept selection never depends on arrival order.
 */
export function compareChanges(a: RecentChange, b: RecentChange): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.number !== b.number) return a.number - b.number;
  const ka = JSON.stringify([a.before, a.after, a.rules]);
  const kb = JSON.stringify([b.before, b.after, b.rules]);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Is the occurrence at (`at`, `path`) newer than the one at (`thanAt`, `thanPath`)? */
export function isNewerAt(at: string, path: string, thanAt: string, thanPath: string): boolean {
  return at !== thanAt ? at > thanAt : path > thanPath;
}

/** By path, then message. */
export function compareProblems(a: TelemetryProblem, b: TelemetryProblem): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Is `a` newer than `b` (by time, then path)? */
export function isNewer(a: LastResult, b: LastResult): boolean {
  return a.at !== b.at ? a.at > b.at : a.path > b.path;
}

/** Inserts `item` into a list kept sorted by `compare` and cut to `limit`. */
export function insertBounded<T>(list: T[], item: T, compare: (a: T, b: T) => number, limit: number): void {
  if (list.length >= limit && compare(item, list[list.length - 1]) >= 0) return;
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compare(list[mid], item) <= 0) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, item);
  if (list.length > limit) list.length = limit;
}
