import { attempt, engineResult, targetOf } from "../../config/engine-report.js";
import { inspectHost } from "../../config/inspect-host.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";
import { PAGE_SIZE } from "../../enforcement/list-issue-page.js";
import { previewDetails, previewLines } from "./preview-lines.js";
import { PREVIEW_PAGE_LIMIT, previewReconcile } from "./preview-reconcile.js";

/**
 * validate: reads the host config from the target repository (at the pull request's head when a
 * PR proposed it), reports every rule as a named check with all problems located in the file,
 * and compares the declared labels and milestones with the repository's (WARN when materialize
 * has work to do). For a proposed or pushed config change (`config_ref`) with enforcement, it also
 * previews reconcile under that config: a dry run over the open issues (at most
 * `PREVIEW_PAGE_LIMIT` listing pages) whose counts go into the result's `plan` lines, which the
 * job summary shows. Sends no write of any kind.
 */
export const engine: Engine = {
  name: "validate",
  permissions: { contents: "read", issues: "read" },
  run: runValidate,
};

async function runValidate(ctx: EngineContext): Promise<EngineResult> {
  const inspection = await inspectHost(ctx, "validate");
  if ("finished" in inspection) return inspection.finished;
  const checks: Check[] = [...inspection.checks];
  const warnings = checks.filter((check) => check.outcome === "WARN").length;
  const summary =
    warnings === 0
      ? "Configuration is valid"
      : `Configuration is valid; ${warnings} warning${warnings === 1 ? "" : "s"} (run materialize)`;
  if (ctx.config_ref === undefined || inspection.config.enforcement === undefined) {
    return engineResult("validate", summary, checks, []);
  }

  const cap = { page_limit: PREVIEW_PAGE_LIMIT, page_size: PAGE_SIZE };
  const preview = await attempt("reconcile.preview", () =>
    previewReconcile(ctx.github, targetOf(ctx.target_repo), {
      config: inspection.config,
      config_sha: inspection.config_sha,
      nowMs: () => ctx.clock.now().getTime(),
      ...cap,
    }),
  );
  // The config is valid whatever the preview meets: a preview that could not read the issues warns.
  if ("failed" in preview)
    return engineResult("validate", summary, [...checks, { ...preview.failed, outcome: "WARN" }], []);
  const report = preview.value;
  checks.push({
    id: "reconcile.preview",
    outcome: report.page_limit_hit ? "WARN" : "PASS",
    details: {
      ...previewDetails(report),
      ...(report.page_limit_hit
        ? {
            message: `read cap reached: only the first ${cap.page_limit * cap.page_size} open issues were previewed`,
          }
        : {}),
    },
  });
  return engineResult(
    "validate",
    `${summary}; reconcile would change ${report.changed} open issue${report.changed === 1 ? "" : "s"} (${report.writes.total} write${report.writes.total === 1 ? "" : "s"})${report.page_limit_hit ? " among the first previewed" : ""}`,
    checks,
    [],
    { plan: previewLines(report, cap) },
  );
}
