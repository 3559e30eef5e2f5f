import { engineResult, failureCheck, isExpectedFailure, targetOf } from "../../config/engine-report.js";
import { configFailureSummary, configValidityChecks } from "../../config/host-checks.js";
import { readHostConfig, type HostConfigRead } from "../../config/read-host-config.js";
import { readMilestones } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";
import { applyEnforcement } from "./apply-enforcement.js";
import {
  bindMilestone,
  NO_ENFORCEMENT_CHECK,
  type EnforcementPlan,
  type IssueSnapshot,
} from "./enforcement-plan.js";
import { planEnforcement } from "./plan-enforcement.js";
import { readIssue } from "./read-issue.js";

/**
 * enforce: keeps the event's issue consistent with the host config's `enforcement` rules. Reads the
 * config, reads the issue once, plans without I/O, then writes at most once. Requests per run:
 * config (1) + issue (1) + milestones (only when the milestone must change) + one PATCH (only when
 * something changes).
 */
export const engine: Engine = {
  name: "enforce",
  permissions: { contents: "read", issues: "write" },
  run: runEnforce,
};

async function runEnforce(ctx: EngineContext): Promise<EngineResult> {
  const target = targetOf(ctx.target_repo);
  const issueNumber = ctx.issue_number;
  const extra = {
    dry_run: ctx.dry_run,
    ...(issueNumber === undefined ? {} : { issue: { number: issueNumber } }),
  };
  const stop = (summary: string, checks: Check[]) => engineResult("enforce", summary, checks, [], extra);

  let config: HostConfigRead;
  try {
    config = await readHostConfig(ctx.github, { ...target, ...refOf(ctx) });
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop("Configuration could not be read", [failureCheck("config.load", error)]);
  }
  const checks = configValidityChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);
  if (config.config.enforcement === undefined) {
    return stop("No enforcement configured", [...checks, NO_ENFORCEMENT_CHECK]);
  }
  if (issueNumber === undefined) {
    return stop("No issue to enforce", [
      ...checks,
      {
        id: "issue.number",
        outcome: "FAIL",
        details: "enforce runs for one issue; the run plan carried none",
      },
    ]);
  }

  let issue: IssueSnapshot;
  try {
    issue = await readIssue(ctx.github, target, issueNumber);
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop(`Issue #${issueNumber} could not be read`, [...checks, failureCheck("issue.load", error)]);
  }
  checks.push({
    id: "issue.load",
    outcome: "PASS",
    details: { number: issue.number, labels: issue.labels, milestone: issue.milestone?.title ?? null },
  });

  let plan: EnforcementPlan = planEnforcement(config.config, issue);
  if (plan.write?.milestone !== undefined) {
    try {
      plan = bindMilestone(plan, await readMilestones(ctx.github, target));
    } catch (error) {
      if (!isExpectedFailure(error)) throw error;
      return stop("Milestones could not be read", [
        ...checks,
        ...plan.checks,
        failureCheck("milestones.load", error),
      ]);
    }
  }
  try {
    await applyEnforcement(ctx.github, target, plan, ctx.dry_run);
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop(`Issue #${issue.number} could not be updated`, [
      ...checks,
      ...plan.checks,
      failureCheck("issue.write", error),
    ]);
  }
  const summary =
    ctx.dry_run && plan.write !== undefined ? `Dry run: ${lowerFirst(plan.summary)}` : plan.summary;
  return engineResult("enforce", summary, [...checks, ...plan.checks], plan.actions, extra);
}

function refOf(ctx: EngineContext): { ref?: string } {
  return ctx.config_ref === undefined ? {} : { ref: ctx.config_ref };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
