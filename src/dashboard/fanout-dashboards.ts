import type { GitHub } from "../github/octokit.js";
import type { EnabledOrgRepos } from "../registry/registry-snapshot.js";
import { protectionWarning } from "../telemetry/branch-protection-fact.js";
import { emitRecord, type EmitOptions } from "../telemetry/emit-engine.js";
import { probeDefaultBranchProtection } from "../telemetry/probe-branch-protection.js";
import { buildEnvelope, type TelemetrySource } from "../telemetry/envelope.js";
import type { Clock } from "../util/clock.js";
import { buildAndPublish, type BuildReport } from "./build-and-publish.js";
import type { DashboardStatus } from "./dashboard-types.js";
import { dashboardResult } from "./dashboard-result.js";

export interface FanoutOptions {
  orgs: readonly EnabledOrgRepos[];
  correlationId: string;
  engineRef: string;
  source: TelemetrySource;
  gitUrl: string;
  /** A client whose token may write the org's telemetry repository (for the dashboard records). */
  githubFor(org: EnabledOrgRepos): Promise<{ github: GitHub; token: string }>;
  clock: Clock;
  env?: NodeJS.ProcessEnv;
  onProgress?: (event: FanoutProgress) => void;
  /** Retry waits (publishing, emitting); injected by tests. */
  sleep?: (ms: number) => Promise<void>;
  emitOptions?: EmitOptions;
}

export type FanoutProgress =
  | { kind: "org-started"; owner: string; index: number; total: number }
  | { kind: "org-finished"; outcome: OrgOutcome; index: number; total: number };

export interface OrgOutcome {
  owner: string;
  telemetry_repo: string;
  ok: boolean;
  status?: DashboardStatus;
  mode?: "full" | "incremental";
  fallback?: string;
  files_read?: number;
  published_commit?: string;
  skipped?: string;
  /** Dashboard records emitted (one per enabled repository). */
  records: number;
  /** Risks that do not stop the build, such as an unprotected telemetry branch. */
  warnings?: string[];
  error?: string;
  ms: number;
}

/**
 * Builds every org's dashboards, each from and into that org's own telemetry repository, then emits
 * one `dashboard` record per enabled repository under the fanout's single correlation id. Orgs are
 * isolated: an org that fails is reported and the next one runs. Orgs run one after another, which
 * keeps memory bounded and the write rate per installation low.
 */
export async function fanoutDashboards(options: FanoutOptions): Promise<OrgOutcome[]> {
  const outcomes: OrgOutcome[] = [];
  const total = options.orgs.length;
  for (const [index, org] of options.orgs.entries()) {
    options.onProgress?.({ kind: "org-started", owner: org.owner, index, total });
    const outcome = await fanoutOrg(org, options);
    outcomes.push(outcome);
    options.onProgress?.({ kind: "org-finished", outcome, index, total });
  }
  return outcomes;
}

async function fanoutOrg(org: EnabledOrgRepos, options: FanoutOptions): Promise<OrgOutcome> {
  const started = performance.now();
  const base = { owner: org.owner, telemetry_repo: org.telemetry_repo, records: 0 };
  let report: BuildReport;
  let github: GitHub;
  let warning: string | undefined;
  try {
    const access = await options.githubFor(org);
    github = access.github;
    const [owner, repo] = org.telemetry_repo.split("/");
    warning = protectionWarning(
      await probeDefaultBranchProtection(github, { owner, repo }),
      org.telemetry_repo,
    );
    report = await buildAndPublish({
      telemetryRepo: org.telemetry_repo,
      gitUrl: options.gitUrl,
      token: access.token,
      expectedRepos: org.repos.map((repo) => `${org.owner}/${repo}`),
      clock: options.clock,
      env: options.env,
      sleep: options.sleep,
    });
  } catch (error) {
    return {
      ...base,
      ...(warning === undefined ? {} : { warnings: [warning] }),
      ok: false,
      error: describe(error),
      ms: performance.now() - started,
    };
  }
  const facts = {
    mode: report.build.mode,
    files_read: report.build.filesRead,
    telemetry_commit: report.telemetryCommit,
    ...(report.build.fallback === undefined ? {} : { fallback: report.build.fallback }),
    ...(report.published && report.published.changed.length > 0
      ? { published_commit: report.published.commit }
      : {}),
    ...(report.skipped === undefined ? {} : { skipped: report.skipped }),
  };
  const outcome: OrgOutcome = {
    ...base,
    ...(warning === undefined ? {} : { warnings: [warning] }),
    ok: true,
    status: report.build.set.index.status,
    mode: facts.mode,
    files_read: facts.files_read,
    ...(facts.fallback === undefined ? {} : { fallback: facts.fallback }),
    ...(facts.published_commit === undefined ? {} : { published_commit: facts.published_commit }),
    ...(facts.skipped === undefined ? {} : { skipped: facts.skipped }),
    ms: 0,
  };
  const emitErrors: string[] = [];
  for (const repo of org.repos) {
    const repository = `${org.owner}/${repo}`;
    const result = dashboardResult(
      report.build.set.repos.find((dashboard) => dashboard.repository === repository),
      facts,
    );
    try {
      const record = buildEnvelope({
        generated_at: options.clock.now(),
        correlation_id: options.correlationId,
        engine_name: "dashboard",
        engine_ref: options.engineRef,
        target_repo: repository,
        source: options.source,
        ok: result.ok,
        details: result,
      });
      await emitRecord(
        github,
        { telemetry_repo: org.telemetry_repo, record },
        {
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
          ...options.emitOptions,
        },
      );
      outcome.records += 1;
    } catch (error) {
      emitErrors.push(`${repository}: ${describe(error)}`);
    }
  }
  if (emitErrors.length > 0) {
    outcome.ok = false;
    outcome.error = `could not emit ${emitErrors.length} dashboard record(s): ${emitErrors[0]}`;
  }
  outcome.ms = performance.now() - started;
  return outcome;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: unknown }).hint;
    return typeof hint === "string" ? `${error.message} (${hint})` : error.message;
  }
  return String(error);
}
