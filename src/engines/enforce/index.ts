import { attempt, configLocation, engineResult, targetOf } from "../../config/engine-report.js";
import { configFailureSummary, configValidityChecks } from "../../config/host-checks.js";
import { readHostConfig } from "../../config/read-host-config.js";
import { readMilestones } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";
import { applyEnforcement } from "../../enforcement/apply-enforcement.js";
import { bindMilestone, NO_ENFORCEMENT_CHECK } from "../../enforcement/enforcement-plan.js";
import { issueChangeOf } from "../../enforcement/issue-change.js";
import { planEnforcement } from "../../enforcement/plan-enforcement.js";
import {
  labelEventsOf,
  readIssue,
  readIssueEvents,
  timelineOf,
  type IssueEvent,
} from "../../enforcement/read-issue.js";
import { evaluateCircuitBreaker } from "../../enforcement/circuit-breaker.js";

/**
 * enforce: keeps the event's issue consistent with the host config's `enforcement` rules. Reads the
 * config, reads the issue once, plans without I/O, then writes only what it decided. Requests per
 * run: config (1) + issue (1) + milestones (only when the milestone must change) + one DELETE per
 * label removed + one PATCH carrying only the milestone (only when it changes). The label list is
 * never written whole, so a label a person adds meanwhile is never lost. A group with strategy
 * `latest` and no label named by the event (opened, reopened, several labels) also reads the issue's
 * events, unless it configures a fallback. Before it writes, the circuit breaker reads the issue's
 * events too (`loop_guard`): a ping-pong with another bot stops after N runs in M minutes.
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

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return stop("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
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

  const read = await attempt("issue.load", () => readIssue(ctx.github, target, issueNumber));
  if ("failed" in read) return stop(`Issue #${issueNumber} could not be read`, [...checks, read.failed]);
  const issue = read.value;
  checks.push({
    id: "issue.load",
    outcome: "PASS",
    details: { number: issue.number, labels: issue.labels, milestone: issue.milestone?.title ?? null },
  });

  // The issue's events, read at most once: by strategy `latest` and the circuit breaker alike.
  let issueEvents: Promise<IssueEvent[]> | undefined;
  const events = () => (issueEvents ??= readIssueEvents(ctx.github, target, issue.number));
  const signals = ctx.label_added === undefined ? {} : { added: ctx.label_added };
  let plan = planEnforcement(config.config, issue, signals);
  if (plan.needsLabelEvents === true) {
    // Strategy `latest` without the one added label: the issue's label events decide, read only now.
    const labelEvents = await attempt("issue.label_events", async () => labelEventsOf(await events()));
    if ("failed" in labelEvents) {
      return stop("Label events could not be read", [...checks, ...plan.checks, labelEvents.failed]);
    }
    plan = planEnforcement(config.config, issue, { ...signals, labelEvents: labelEvents.value });
  }
  if (plan.write !== undefined && ctx.loop_guard !== undefined) {
    const timeline = await attempt("loop.circuit_breaker", () => events().then(timelineOf));
    if ("failed" in timeline) {
      return stop("Issue events could not be read", [...checks, ...plan.checks, timeline.failed]);
    }
    const breaker = evaluateCircuitBreaker(timeline.value, ctx.loop_guard, ctx.clock.now());
    const guard = { max_runs: ctx.loop_guard.max_runs, window_minutes: ctx.loop_guard.window_minutes };
    if (breaker.open) {
      return stop(`Circuit breaker open on #${issue.number}: nothing changed`, [
        ...checks,
        ...plan.checks,
        {
          id: "loop.circuit_breaker",
          outcome: "FAIL",
          details: {
            message: breaker.message,
            rounds: breaker.rounds,
            other_bots: breaker.other_bots,
            ...guard,
          },
        },
      ]);
    }
    plan = {
      ...plan,
      checks: [
        ...plan.checks,
        { id: "loop.circuit_breaker", outcome: "PASS", details: { rounds: breaker.rounds, ...guard } },
      ],
    };
  }
  if (plan.write?.milestone !== undefined) {
    // The mapped milestone's number is only needed, and only looked up, when the milestone changes.
    const milestones = await attempt("milestones.load", () => readMilestones(ctx.github, target));
    if ("failed" in milestones) {
      return stop("Milestones could not be read", [...checks, ...plan.checks, milestones.failed]);
    }
    plan = bindMilestone(plan, milestones.value);
  }
  const written = await attempt("issue.write", () => applyEnforcement(ctx.github, target, plan, ctx.dry_run));
  if ("failed" in written) {
    return stop(`Issue #${issue.number} could not be updated`, [...checks, ...plan.checks, written.failed]);
  }
  const summary =
    ctx.dry_run && plan.write !== undefined ? `Dry run: ${lowerFirst(plan.summary)}` : plan.summary;
  const change = issueChangeOf(plan);
  return engineResult("enforce", summary, [...checks, ...plan.checks], plan.actions, {
    ...extra,
    changes: change === undefined ? [] : [change],
    changes_total: change === undefined ? 0 : 1,
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
