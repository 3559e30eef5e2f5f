import { createHash } from "node:crypto";
import { checkRecord } from "../telemetry/check-record.js";
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
}

/**
 * Builds an org's dashboards from a telemetry checkout. With usable state from the previous build
 * whose commit is still in the history, it reads only the record files added since that commit
 * (`git diff --diff-filter`-style name-status) and merges them into the stored reducer state;
 * otherwise it reads every record and says why in `fallback`.
 */
export async function buildDashboards(options: BuildOptions): Promise<DashboardBuild> {
  const { checkout, telemetryRepo } = options;
  const owner = telemetryRepo.slice(0, telemetryRepo.indexOf("/"));
  let previous: StoredBuildState | undefined;
  let fallback: string | undefined;
  if (options.previousState !== undefined) {
    const parsed = parseStoredState(options.previousState, { owner, telemetryRepo });
    if ("state" in parsed) previous = parsed.state;
    else fallback = parsed.unusable;
  }

  let mode: DashboardBuild["mode"] = "full";
  let reducer = createReducer({ owner });
  let filesRead = 0;
  if (previous !== undefined) {
    // Ask git what changed, and meanwhile do the CPU work an incremental build needs anyway:
    // resume the stored reducer state and compile the record checks.
    const since = previous.telemetry_commit;
    const changesPromise = (async () =>
      (await isAncestor(checkout, since, checkout.head))
        ? await recordChangesBetween(checkout, since, checkout.head)
        : ("gone" as const))();
    const resumed = createReducer({ owner }, previous.reducer);
    checkRecord(null);
    const changes = await changesPromise;
    if (changes === "gone") {
      fallback = `the previous build's telemetry commit ${since.slice(0, 12)} is no longer in the history`;
    } else if ("rewritten" in changes) {
      fallback = `${changes.rewritten.length} record file(s) were changed or removed since ${since.slice(0, 12)} (e.g. ${changes.rewritten[0]})`;
    } else {
      mode = "incremental";
      reducer = resumed;
      filesRead = await readRecordFiles(checkout.dir, changes.added, reducer);
    }
  }
  if (mode === "full") {
    filesRead = await readRecordFiles(checkout.dir, listAllRecordFiles(checkout), reducer);
  }

  const set = reducer.result({
    generatedAt: options.generatedAt,
    telemetryRepo,
    telemetryCommit: checkout.head,
    expectedRepos: options.expectedRepos,
    webUrl: options.webUrl ?? null,
  });
  const html = renderDashboardPage(set);
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
  return {
    set,
    html,
    files,
    state: state!,
    mode,
    ...(fallback === undefined ? {} : { fallback }),
    filesRead,
    changed: previous === undefined || fallback !== undefined || previous.content_digest !== digest,
  };
}
