import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { RECORDS_ROOT } from "../telemetry/record-path.js";
import type { Clock } from "../util/clock.js";
import { buildDashboards, type DashboardBuild } from "./build-dashboards.js";
import { DASHBOARDS_ROOT, STATE_FILE } from "./dashboard-files.js";
import { publishDashboards, type PublishResult } from "./publish-dashboards.js";
import { hasRecordsTree, syncCheckout } from "./telemetry-checkout.js";
import { webUrlOf } from "./web-url.js";

export const DEFAULT_IDENTITY = {
  name: "task-assistant[bot]",
  email: "task-assistant[bot]@users.noreply.github.com",
};

export interface BuildAndPublishOptions {
  /** `owner/name` of the org's telemetry repository. */
  telemetryRepo: string;
  /** Base URL for git over HTTPS; the repository is `<gitUrl>/<owner>/<name>.git`. */
  gitUrl: string;
  token?: string;
  /** Write the files here (the contents of `telemetry/v1/dashboards/`) instead of publishing. */
  outDir?: string;
  /** Reuse this working copy between builds; a temporary one is made (and removed) otherwise. */
  checkoutDir?: string;
  expectedRepos?: readonly string[];
  clock: Clock;
  /** Build and report, write nothing anywhere. */
  dryRun?: boolean;
  identity?: { name: string; email: string };
  /** Base environment for git (PATH, HOME). */
  env?: NodeJS.ProcessEnv;
  /** Retry waits for publishing; injected by tests. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Refuse (`UsageError`, nothing written or published) a repository whose default branch has no
   * `telemetry/v1/repos/` tree: it is not a telemetry repository (a monitored repository named by
   * mistake). Off when the registry has already confirmed the repository (the fanout), so a newly
   * registered org without records still gets its dashboards.
   */
  requireRecordsTree?: boolean;
  /** A monotonic clock in milliseconds for the timings; `performance.now` unless injected. */
  now?: () => number;
}

export interface BuildReport {
  build: DashboardBuild;
  telemetryCommit: string;
  /** Where the files went: the publish commit, the output directory, or nothing (dry run / unchanged). */
  published?: PublishResult;
  writtenTo?: string;
  /** Why nothing was written. */
  skipped?: "dry-run" | "unchanged";
  /**
   * Milliseconds spent bringing the working copy up to date and writing or publishing the files;
   * the build's own phases are in `build.timings`.
   */
  timings: { sync: number; write: number };
}

/**
 * One org's dashboard build end to end: sync a working copy of the telemetry repository over git,
 * build incrementally from the stored state when possible, then publish the dashboards as one
 * commit (or write them to `outDir`). Nothing is published when the dashboards did not change.
 */
export async function buildAndPublish(options: BuildAndPublishOptions): Promise<BuildReport> {
  const slash = options.telemetryRepo.indexOf("/");
  if (slash <= 0 || slash === options.telemetryRepo.length - 1) {
    throw new UsageError(`telemetry repository ${JSON.stringify(options.telemetryRepo)} is not owner/name`);
  }
  const remoteUrl = `${options.gitUrl.replace(/\/+$/, "")}/${options.telemetryRepo}.git`;
  const temporary = options.checkoutDir === undefined;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const dir = options.checkoutDir ?? (await mkdtemp(join(tmpdir(), "task-assistant-dashboards-")));
  try {
    const checkout = await syncCheckout({ dir, remoteUrl, token: options.token, env: options.env });
    const timings = { sync: now() - started, write: 0 };
    if (options.requireRecordsTree && !(await hasRecordsTree(checkout))) {
      throw new UsageError(
        `${options.telemetryRepo} has no ${RECORDS_ROOT}/ tree at ${checkout.head.slice(0, 12)}: it is not a telemetry repository; nothing was published`,
        {
          hint: "name the org's telemetry repository (the registry's telemetry_repo), or pass --registry/--infra-repo to confirm a telemetry repository that has no records yet",
        },
      );
    }
    const stateFile =
      options.outDir === undefined
        ? join(dir, DASHBOARDS_ROOT, STATE_FILE)
        : join(options.outDir, STATE_FILE);
    const build = await buildDashboards({
      checkout,
      telemetryRepo: options.telemetryRepo,
      previousState: await readIfPresent(stateFile),
      expectedRepos: options.expectedRepos,
      webUrl: webUrlOf(options.gitUrl),
      generatedAt: options.clock.now().toISOString(),
      now,
    });
    const report: BuildReport = { build, telemetryCommit: checkout.head, timings };
    const writing = now();
    const files = build.files;
    if (options.dryRun) return { ...report, skipped: "dry-run" };
    if (options.outDir !== undefined) {
      for (const file of files) {
        const target = join(options.outDir, file.path);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, file.content);
      }
      timings.write = now() - writing;
      return { ...report, writtenTo: options.outDir };
    }
    if (!build.changed) return { ...report, skipped: "unchanged" };
    const published = await publishDashboards({
      checkout,
      remoteUrl,
      token: options.token,
      files,
      identity: options.identity ?? DEFAULT_IDENTITY,
      message: commitMessage(build, checkout.head),
      sleep: options.sleep,
    });
    timings.write = now() - writing;
    return { ...report, published };
  } finally {
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
}

function commitMessage(build: DashboardBuild, head: string): string {
  const { index } = build.set;
  return [
    `dashboards: ${index.owner} at ${head.slice(0, 12)} (${index.totals.repos} repositories, ${index.status})`,
    "",
    `Rebuilt ${build.mode === "incremental" ? `incrementally from ${build.filesRead} new record file(s)` : `from all ${build.filesRead} record file(s)`}.`,
    ...(build.fallback ? [`Full rebuild because ${build.fallback}.`] : []),
    "",
  ].join("\n");
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
