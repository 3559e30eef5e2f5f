import { createHash } from "node:crypto";
import { createReducer } from "./create-reducer.js";
import {
  DASHBOARD_BUILD_VERSION,
  dashboardFiles,
  parseStoredState,
  type DashboardFile,
  type StoredBuildState,
} from "./dashboard-files.js";
import type { DashboardSet } from "./dashboard-types.js";
import { listAllRecordFiles, readRecordFiles, recordChangesBetween } from "./read-record-files.js";
import { renderDashboardPage } from "./render-page.js";
import { isAncestor, type Checkout } from "./telemetry-checkout.js";

export interface BuildOptions {
  checkout: Checkout;
  /** `owner/name` of the org's telemetry repository. */
  telemetryRepo: string;
  /** The text of the previous build's `state.json`, if there is one. */
  previousState?: string;
  /** Repositories that get a dashboard even without telemetry (the registry's enabled ones). */
  expectedRepos?: readonly string[];
  /** The GitHub web host the page links to (see `webUrlOf`); no links without it. */
  webUrl?: string;
  generatedAt: string;
  /** A monotonic clock in milliseconds for `timings`; `performance.now` unless injected. */
  now?: () => number;
}

/**
 * Where a build's wall-clock time went, in milliseconds, phase by phase (they add up to the
 * build): parsing the stored state, resuming the reducer from it, asking git what changed (beyond
 * what overlapped the resume), reading records (fetch, `cat-file`, validation, reducing),
 * summarising the dashboards, rendering the page, serialising the files and the state.
 */
export interface BuildTimings {
  state: number;
  resume: number;
  changes: number;
  read: number;
  summarize: number;
  render: number;
  serialize: number;
}

export interface DashboardBuild {
  set: DashboardSet;
  html: string;
  /** Everything to publish under `telemetry/v1/dashboards/`, `state.json` included. */
  files: DashboardFile[];
  state: StoredBuildState;
  mode: "full" | "incremental";
  /** Why an incremental build was not possible, when there was a previous build. */
  fallback?: string;
  /** Record files read in this build. */
  filesRead: number;
  /** False when the dashboards equal the previous build's apart from build-time fields. */
  changed: boolean;
  timings: BuildTimings;
}

/**
 * Builds an org's dashboards from a telemetry checkout. With usable state from the previous build
 * whose commit is still in the history, it reads only the record files added since that commit
 * (from `git diff --raw` of the two trees) and merges them into the stored reducer state;
 * otherwise it reads every record and says why in `fallback`. Records are read from git's object
 * database, so the checkout may be a partial, sparse clone: only the blobs read are fetched.
 */
export async function buildDashboards(options: BuildOptions): Promise<DashboardBuild> {
  const { checkout, telemetryRepo } = options;
  const now = options.now ?? (() => performance.now());
  const timings: BuildTimings = {
    state: 0,
    resume: 0,
    changes: 0,
    read: 0,
    summarize: 0,
    render: 0,
    serialize: 0,
  };
  let mark = now();
  const lap = (phase: keyof BuildTimings) => {
    const at = now();
    timings[phase] += at - mark;
    mark = at;
  };
  const owner = telemetryRepo.slice(0, telemetryRepo.indexOf("/"));
  let previous: StoredBuildState | undefined;
  let fallback: string | undefined;
  if (options.previousState !== undefined) {
    const parsed = parseStoredState(options.previousState, { owner, telemetryRepo });
    if ("state" in parsed) previous = parsed.state;
    else fallback = parsed.unusable;
  }
  lap("state");

  let mode: DashboardBuild["mode"] = "full";
  let reducer = createReducer({ owner });
  let filesRead = 0;
  if (previous !== undefined) {
    // Ask git what changed, and meanwhile do the CPU work an incremental build needs anyway:
    // resume the stored reducer state.
    const since = previous.telemetry_commit;
    const changesPromise = (async () =>
      (await isAncestor(checkout, since, checkout.head))
        ? await recordChangesBetween(checkout, since, checkout.head)
        : ("gone" as const))();
    const resumed = createReducer({ owner }, previous.reducer);
    lap("resume");
    const changes = await changesPromise;
    lap("changes");
    if (changes === "gone") {
      fallback = `the previous build's telemetry commit ${since.slice(0, 12)} is no longer in the history`;
    } else if ("rewritten" in changes) {
      fallback = `${changes.rewritten.length} record file(s) were changed or removed since ${since.slice(0, 12)} (e.g. ${changes.rewritten[0]})`;
    } else {
      mode = "incremental";
      reducer = resumed;
      filesRead = await readRecordFiles(checkout, () => changes.added, reducer);
    }
  }
  if (mode === "full") {
    filesRead = await readRecordFiles(checkout, () => listAllRecordFiles(checkout), reducer);
  }
  lap("read");

  const set = reducer.result({
    generatedAt: options.generatedAt,
    telemetryRepo,
    telemetryCommit: checkout.head,
    expectedRepos: options.expectedRepos,
    webUrl: options.webUrl ?? null,
  });
  lap("summarize");
  const html = renderDashboardPage(set);
  lap("render");
  let state: StoredBuildState | undefined;
  const files = dashboardFiles(set, html, (digestInput) => {
    state = {
      build_version: DASHBOARD_BUILD_VERSION,
      telemetry_repo: telemetryRepo,
      telemetry_commit: checkout.head,
      content_digest: createHash("sha256").update(digestInput).digest("hex"),
      reducer: reducer.state(),
    };
    return state;
  });
  const digest = state!.content_digest;
  lap("serialize");
  return {
    set,
    html,
    files,
    state: state!,
    mode,
    ...(fallback === undefined ? {} : { fallback }),
    filesRead,
    changed: previous === undefined || fallback !== undefined || previous.content_digest !== digest,
    timings,
  };
}
