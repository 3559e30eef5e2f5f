import { buildAndPublish } from "../../dashboard/build-and-publish.js";
import { dashboardResult } from "../../dashboard/dashboard-result.js";
import { gitUrlForApi } from "../../dashboard/git-url.js";
import { ExternalError } from "../../errors.js";
import type { Engine, EngineContext, EngineResult } from "../../runtime/engine.js";

/**
 * The dashboard engine (self-test mode runs it after self-test): rebuilds the org's dashboards from
 * its telemetry repository — the target repository's dashboard, every other repository's and the org
 * index — and publishes them in one commit under `telemetry/v1/dashboards/`. Its record (emitted by
 * the runner) says how the build went and whether the target's telemetry is valid. Under `dry_run`
 * it builds and publishes nothing.
 */
export const engine: Engine = {
  name: "dashboard",
  // Nothing on the target repository; the runtime grants contents:write on the telemetry repository.
  permissions: {},
  run: runDashboard,
};

async function runDashboard(ctx: EngineContext): Promise<EngineResult> {
  const report = await buildAndPublish({
    telemetryRepo: ctx.telemetry_repo,
    gitUrl: gitUrlForApi(ctx.github.request.endpoint.DEFAULTS.baseUrl),
    token: await tokenOf(ctx),
    expectedRepos: [ctx.target_repo],
    clock: ctx.clock,
    dryRun: ctx.dry_run,
  });
  const published =
    report.published && report.published.changed.length > 0 ? report.published.commit : undefined;
  return dashboardResult(
    report.build.set.repos.find((repo) => repo.repository.toLowerCase() === ctx.target_repo.toLowerCase()),
    {
      mode: report.build.mode,
      files_read: report.build.filesRead,
      telemetry_commit: report.telemetryCommit,
      ...(report.build.fallback === undefined ? {} : { fallback: report.build.fallback }),
      ...(published === undefined ? {} : { published_commit: published }),
      ...(report.skipped === undefined ? {} : { skipped: report.skipped }),
    },
  );
}

/** The token behind the engine's client, for git over HTTPS (it never reaches argv or disk). */
async function tokenOf(ctx: EngineContext): Promise<string> {
  const auth = (await ctx.github.auth()) as { token?: unknown };
  if (typeof auth.token !== "string" || auth.token === "") {
    throw new ExternalError("the engine's GitHub client has no token to read the telemetry repository with");
  }
  return auth.token;
}
