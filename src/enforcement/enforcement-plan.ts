import type { RepoMilestone } from "../config/read-repo-inventory.js";
import type { Action, Check } from "../runtime/engine.js";

/** The issue as enforce reads it: one `GET /repos/{o}/{r}/issues/{n}`. */
export interface IssueSnapshot {
  number: number;
  labels: string[];
  milestone: { number: number; title: string } | null;
}

/**
 * One group's labels reduced to one. `group` is a built-in group's name, `group` (a prefix group,
 * named by `prefix`) or `scoped` (one scope of `key::value` labels, named by `scope`).
 */
export interface Pruning {
  group: string;
  prefix?: string;
  scope?: string;
  kept: string;
  removed: string[];
}

/** The milestone the issue should have; `number` is known once it has been looked up. */
export interface MilestoneIntent {
  title: string;
  /** The phase label it is mapped from. */
  label: string;
  number?: number;
}

export interface Decisions {
  checks: Check[];
  prunings: Pruning[];
  milestone?: MilestoneIntent;
}

/**
 * The writes that apply a plan: one `DELETE .../issues/{n}/labels/{name}` per label in `remove`, and
 * a `PATCH .../issues/{n}` carrying only the milestone when it changes. Nothing else on the issue
 * is written, so labels a person adds or removes meanwhile are left alone.
 */
export interface IssueWrite {
  /** The labels to take off the issue, as the issue spells them; empty when none. */
  remove: string[];
  milestone?: MilestoneIntent;
}

export interface EnforcementPlan {
  issue: IssueSnapshot;
  decisions: Decisions;
  ok: boolean;
  checks: Check[];
  actions: Action[];
  /** Absent when nothing is to be written (no change, or a FAIL). */
  write?: IssueWrite;
  /**
   * Set when a group with strategy `latest` could not be decided without the issue's label events;
   * that group is left out of this plan. The caller reads the events and plans again.
   */
  needsLabelEvents?: boolean;
  summary: string;
}

/** The check enforce reports for a config without an `enforcement` section (and then writes nothing). */
export const NO_ENFORCEMENT_CHECK: Check = {
  id: "enforcement.configured",
  outcome: "PASS",
  details: "no enforcement configured",
};

const MISSING_MILESTONE_HINT =
  "run materialize to create the milestones the config declares; enforce never creates milestones";

/**
 * Turns decisions into the plan: checks, the actions the write performs and the write itself.
 * If any check failed nothing is written, and what would have been changed is reported as WARN.
 */
export function finalizePlan(issue: IssueSnapshot, decisions: Decisions): EnforcementPlan {
  const failed = decisions.checks.filter((check) => check.outcome === "FAIL").map((check) => check.id);
  if (failed.length > 0) return blockedPlan(issue, decisions, failed);
  const checks = [...decisions.checks];
  const actions: Action[] = decisions.prunings.map(({ group, ...pruning }) => ({
    id: `${group}.labels.pruned`,
    ...pruning,
  }));
  const changes = decisions.prunings.map(
    (pruning) => `resolved ${pruning.group} label exclusivity (kept ${pruning.kept})`,
  );
  const removed = new Set(decisions.prunings.flatMap((pruning) => pruning.removed));
  const write: IssueWrite = { remove: issue.labels.filter((label) => removed.has(label)) };
  const milestone = decisions.milestone;
  if (milestone !== undefined) {
    checks.push({
      id: "phase.milestone.enforced",
      outcome: "PASS",
      details: { label: milestone.label, milestone: milestone.title },
    });
    actions.push({
      id: "issue.milestone.set",
      from: issue.milestone?.title ?? null,
      to: milestone.title,
      reason: `phase label ${milestone.label}`,
    });
    changes.push(`milestone set to match ${milestone.label}`);
    write.milestone = milestone;
  }
  return {
    issue,
    decisions,
    ok: true,
    checks,
    actions,
    ...(changes.length === 0 ? {} : { write }),
    summary: changes.length === 0 ? "No changes required" : capitalize(changes.join("; ")),
  };
}

function blockedPlan(issue: IssueSnapshot, decisions: Decisions, failed: string[]): EnforcementPlan {
  const checks = decisions.checks.map((check): Check => {
    const pruning = decisions.prunings.find(
      (p) =>
        check.id === `${p.group}.exclusive.enforced` &&
        (check.details as { kept?: string } | undefined)?.kept === p.kept,
    );
    if (pruning === undefined) return check;
    return {
      id: `${pruning.group}.exclusive.violation`,
      outcome: "WARN",
      details: {
        ...(pruning.prefix === undefined ? {} : { prefix: pruning.prefix }),
        ...(pruning.scope === undefined ? {} : { scope: pruning.scope }),
        labels: [pruning.kept, ...pruning.removed],
        would_keep: pruning.kept,
        not_applied_because: failed,
      },
    };
  });
  if (decisions.milestone !== undefined) {
    checks.push({
      id: "phase.milestone.not_set",
      outcome: "WARN",
      details: {
        label: decisions.milestone.label,
        milestone: decisions.milestone.title,
        not_applied_because: failed,
      },
    });
  }
  return {
    issue,
    decisions,
    ok: false,
    checks,
    actions: [],
    summary: `No change made: ${failed.join(", ")}`,
  };
}

/**
 * Resolves the planned milestone's title to its number from the repository's milestones (open
 * preferred over closed). A title with no milestone is a FAIL naming it, and then nothing is
 * written: enforce does not create milestones.
 */
export function bindMilestone(plan: EnforcementPlan, milestones: readonly RepoMilestone[]): EnforcementPlan {
  const intent = plan.decisions.milestone;
  if (intent === undefined || intent.number !== undefined) return plan;
  const matches = milestones.filter((milestone) => milestone.title === intent.title);
  const match = matches.find((milestone) => milestone.state === "open") ?? matches[0];
  if (match === undefined) {
    const { milestone: _dropped, ...rest } = plan.decisions;
    return finalizePlan(plan.issue, {
      ...rest,
      checks: [
        ...rest.checks,
        {
          id: "phase.milestone.missing",
          outcome: "FAIL",
          details: { label: intent.label, milestone: intent.title, hint: MISSING_MILESTONE_HINT },
        },
      ],
    });
  }
  const checks =
    match.state === "closed"
      ? [
          ...plan.decisions.checks,
          { id: "phase.milestone.closed", outcome: "WARN" as const, details: { milestone: intent.title } },
        ]
      : plan.decisions.checks;
  return finalizePlan(plan.issue, {
    ...plan.decisions,
    checks,
    milestone: { ...intent, number: match.number },
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
