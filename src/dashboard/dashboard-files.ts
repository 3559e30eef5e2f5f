import { canonicalJson } from "../util/canonical-json.js";
import type { DashboardSet } from "./dashboard-types.js";
import { REDUCER_STATE_VERSION, type ReducerState } from "./reducer-state.js";
import { DASHBOARDS_ROOT } from "./summarize-dashboards.js";

export { DASHBOARDS_ROOT };

/** Bumped when the page or the documents change shape, so stored dashboards are rewritten. */
export const DASHBOARD_BUILD_VERSION = 1;

/**
 * What a build leaves next to the dashboards so the next build can start where it stopped:
 * the telemetry commit it read, a digest of its content, and the reducer's state.
 */
export interface StoredBuildState {
  build_version: typeof DASHBOARD_BUILD_VERSION;
  telemetry_repo: string;
  telemetry_commit: string;
  /** Digest of the dashboards without `generated_at` and `telemetry_commit`: equal means nothing to publish. */
  content_digest: string;
  reducer: ReducerState;
}

export const STATE_FILE = "state.json";

/** A file of the dashboards folder, with its path relative to `telemetry/v1/dashboards/`. */
export interface DashboardFile {
  path: string;
  content: string;
}

/**
 * The files a build publishes, paths relative to `telemetry/v1/dashboards/`: one
 * `<owner>-<repo>/dashboard.json` per repository, `index.json`, `index.html` and `state.json`.
 * Pure; all JSON canonical.
 */
export function dashboardFiles(set: DashboardSet, html: string, state: StoredBuildState): DashboardFile[] {
  return [
    ...set.repos.map((repo) => ({
      path: `${repo.repository.replace("/", "-")}/dashboard.json`,
      content: canonicalJson(repo),
    })),
    { path: "index.json", content: canonicalJson(set.index) },
    { path: "index.html", content: html },
    { path: STATE_FILE, content: canonicalJson(state) },
  ];
}

/** The content that decides whether a build changed anything: the dashboards minus build-time fields. */
export function digestInput(set: DashboardSet): string {
  const strip = <T extends { generated_at: string; telemetry_commit: string | null }>(doc: T) => ({
    ...doc,
    generated_at: undefined,
    telemetry_commit: undefined,
  });
  return canonicalJson({
    build_version: DASHBOARD_BUILD_VERSION,
    index: strip(set.index),
    repos: set.repos.map(strip),
  });
}

/**
 * Reads stored build state, or explains why it cannot be used (then the build starts from scratch).
 * Pure.
 */
export function parseStoredState(
  text: string,
  expected: { owner: string; telemetryRepo: string },
): { state: StoredBuildState } | { unusable: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { unusable: `${STATE_FILE} is not JSON` };
  }
  const state = value as Partial<StoredBuildState> | null;
  if (state === null || typeof state !== "object") return { unusable: `${STATE_FILE} is not an object` };
  if (state.build_version !== DASHBOARD_BUILD_VERSION) {
    return { unusable: `${STATE_FILE} was written by build version ${String(state.build_version)}` };
  }
  const reducer = state.reducer;
  if (
    reducer === undefined ||
    reducer.state_version !== REDUCER_STATE_VERSION ||
    !Array.isArray(reducer.repos) ||
    typeof reducer.org_problems !== "object"
  ) {
    return { unusable: `${STATE_FILE} holds no reducer state this version can resume` };
  }
  if (reducer.owner !== expected.owner || state.telemetry_repo !== expected.telemetryRepo) {
    return { unusable: `${STATE_FILE} belongs to ${String(state.telemetry_repo)}` };
  }
  if (typeof state.telemetry_commit !== "string")
    return { unusable: `${STATE_FILE} names no telemetry commit` };
  return { state: state as StoredBuildState };
}
