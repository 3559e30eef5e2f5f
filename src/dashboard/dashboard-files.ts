import { canonicalJson } from "../util/canonical-json.js";
import type { DashboardSet } from "./dashboard-types.js";
import { REDUCER_STATE_VERSION, type ReducerState } from "./reducer-state.js";
import { DASHBOARDS_ROOT } from "./summarize-dashboards.js";

export { DASHBOARDS_ROOT };

/** Bumped when the page or the documents change shape, so stored dashboards are rewritten. */
export const DASHBOARD_BUILD_VERSION = 2;

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
 * `<owner>-<repo>/dashboard.json` per repository, `index.json`, `index.html` and, last, `state.json`.
 * Pure; all JSON canonical. `stateFor` receives the content digest of the dashboards (see
 * `contentDigestInput`) and returns the state to store.
 */
export function dashboardFiles(
  set: DashboardSet,
  html: string,
  stateFor: (digestInput: string) => StoredBuildState,
): DashboardFile[] {
  const documents = [
    ...set.repos.map((repo) => ({
      path: `${repo.repository.replace("/", "-")}/dashboard.json`,
      content: canonicalJson(repo),
    })),
    { path: "index.json", content: canonicalJson(set.index) },
  ];
  return [
    ...documents,
    { path: "index.html", content: html },
    { path: STATE_FILE, content: canonicalJson(stateFor(contentDigestInput(documents))) },
  ];
}

/**
 * What decides whether a build changed anything: the serialised dashboards without their top-level
 * `generated_at` and `telemetry_commit` lines (canonical JSON puts each top-level key on its own
 * line with two spaces of indent, so nested keys are never touched).
 */
export function contentDigestInput(documents: readonly DashboardFile[]): string {
  const volatile = /^ {2}"(?:generated_at|telemetry_commit)": .*\n/gm;
  return [
    `build_version ${DASHBOARD_BUILD_VERSION}`,
    ...documents.map((file) => `${file.path}\n${file.content.replace(volatile, "")}`),
  ].join("\n");
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
