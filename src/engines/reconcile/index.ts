import { attempt, configLocation, engineResult, targetOf } from "../../config/engine-report.js";
import { configFailureSummary, configValidityChecks } from "../../config/host-checks.js";
import { readHostConfig } from "../../config/read-host-config.js";
import { readMilestones } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";
import { abortableSleep } from "../../util/abortable-sleep.js";
import { NO_ENFORCEMENT_CHECK } from "../../enforcement/enforcement-plan.js";
import { readLabelEvents } from "../../enforcement/read-issue.js";
import { readLastReconcileState } from "./last-reconcile-record.js";
import { listIssuePage } from "../../enforcement/list-issue-page.js";
import { reconcileLines, reconcileSummary } from "../../enforcement/reconcile-lines.js";
import {
  DEFAULT_WRITE_BUDGET,
  githubWrites,
  reconcileIssues,
  type ReconcileReport,
} from "../../enforcement/reconcile-issues.js";
import type { ReconcileState } from "../../enforcement/reconcile-state.js";

/**
 * reconcile: enforce's rules over every open issue of the target, for a repository with history and
 * for drift. Lists the open issues a page at a time, oldest first, and writes exactly as enforce does
 * (one DELETE per label, a milestone-only PATCH), paced under GitHub's content-creation limits and
 * stopping at the run's write budget. Its record holds the counts per rule, the changed issues, where
 * it stopped and the ETags of the pages it left settled; the next run resumes from that record and
 * asks for those pages conditionally, so an unchanged repository costs only 304s. A dry run lists the
 * plan and writes nothing.
 */
export const engine: Engine = {
  name: "reconcile",
  permissions: { contents: "read", issues: "write" },
  run: runReconcile,
};

async function runReconcile(ctx: EngineContext): Promise<EngineResult> {
  const target = targetOf(ctx.target_repo);
  const budget = ctx.write_budget ?? DEFAULT_WRITE_BUDGET;
  const extra = { dry_run: ctx.dry_run };
  const stop = (summary: string, checks: Check[]) => engineResult("reconcile", summary, checks, [], extra);

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return stop("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
  const checks = configValidityChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);
  if (config.config.enforcement === undefined) {
    return stop("No enforcement configured", [...checks, NO_ENFORCEMENT_CHECK]);
  }

  // Where the last run stopped, from reconcile's own last record. Unreadable: start from the top.
  let previous: ReconcileState | undefined;
  const last = await attempt("reconcile.resume", () =>
    readLastReconcileState(ctx.github, ctx.telemetry_repo, target),
  );
  if ("failed" in last) checks.push({ ...last.failed, outcome: "WARN" });
  else {
    previous = last.value;
    checks.push({
      id: "reconcile.resume",
      outcome: "PASS",
      details:
        previous === undefined
          ? { from: "start", reason: "no earlier reconcile record" }
          : previous.stopped.reason === "budget"
            ? { from: "last stop", ...previous.stopped }
            : { from: "start", settled_pages: previous.pages.length },
    });
  }

  const sleep = ctx.sleep ?? ((ms: number) => abortableSleep(ms));
  const ran = await attempt("reconcile.issues", () =>
    reconcileIssues(
      {
        listPage: (page, etag) => listIssuePage(ctx.github, target, page, etag),
        labelEvents: (number) => readLabelEvents(ctx.github, target, number),
        milestones: () => readMilestones(ctx.github, target),
        ...githubWrites(ctx.github, target),
        nowMs: () => ctx.clock.now().getTime(),
        sleep,
      },
      {
        config: config.config,
        config_sha: config.sha,
        ...(previous === undefined ? {} : { previous }),
        dry_run: ctx.dry_run,
        write_budget: budget,
      },
    ),
  );
  if ("failed" in ran) return stop("Open issues could not be reconciled", [...checks, ran.failed]);
  const report: ReconcileReport = ran.value;
  checks.push(...report.failures);
  for (const [id, count] of Object.entries(report.warnings)) {
    checks.push({ id, outcome: "WARN", details: { issues: count } });
  }
  return engineResult(
    "reconcile",
    reconcileSummary(report, ctx.dry_run),
    checks,
    Object.entries(report.by_rule).map(([rule, issues]) => ({ id: rule, issues })),
    {
      ...extra,
      changes: report.changes,
      changes_total: report.changed,
      plan: reconcileLines(report, ctx.dry_run),
      reconcile: {
        considered: report.considered,
        changed: report.changed,
        writes: report.writes,
        by_rule: report.by_rule,
        warnings: report.warnings,
        write_budget: budget,
        requests: report.requests,
        config_sha: report.state.config_sha,
        stopped: report.state.stopped,
        pages: report.state.pages,
      },
    },
  );
}
