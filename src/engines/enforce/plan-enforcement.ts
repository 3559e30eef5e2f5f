import { findInvisibleCharacter, revealInvisible } from "../../config/invisible-characters.js";
import {
  GROUP_NAMES,
  groupOf,
  labelKey,
  type GroupName,
  type GroupRule,
  type HostConfig,
  type StateRule,
} from "../../config/config-model.js";
import type { Check } from "../../runtime/engine.js";
import { comparePhases, groupOrder } from "./label-order.js";
import {
  finalizePlan,
  NO_ENFORCEMENT_CHECK,
  type EnforcementPlan,
  type IssueSnapshot,
  type Pruning,
} from "./enforcement-plan.js";

/**
 * Decides what enforce does to one issue, without I/O (STYLE §1): for each configured exclusivity
 * group, keep one label or report; then the milestone mapped from the highest phase label the issue
 * keeps. Any FAIL means no write at all, so a failed run never leaves a half-applied change.
 *
 * @example planEnforcement(config, { number: 7, labels: ["phase-3.9", "phase-3.10"], milestone: null })
 */
export function planEnforcement(config: HostConfig, issue: IssueSnapshot): EnforcementPlan {
  const enforcement = config.enforcement;
  if (enforcement === undefined) {
    return finalizePlan(issue, {
      checks: [NO_ENFORCEMENT_CHECK],
      prunings: [],
    });
  }
  const checks: Check[] = [];
  const prunings: Pruning[] = [];
  // A label with an invisible character (`phase-\u200b1`) only looks like a group member: it is
  // reported, left on the issue, and neither counted in a group nor mapped to a milestone.
  const disguised = issue.labels.filter((label) => findInvisibleCharacter(label) !== undefined);
  if (disguised.length > 0) checks.push(disguisedLabelsCheck(disguised));
  const visible = { ...issue, labels: issue.labels.filter((label) => !disguised.includes(label)) };
  for (const group of GROUP_NAMES) {
    const rule = enforcement.exclusivity[group];
    if (rule === undefined) continue;
    const decision = decideGroup(group, rule, config, visible);
    checks.push(decision.check);
    if (decision.pruning !== undefined) prunings.push(decision.pruning);
  }
  const removed = new Set(prunings.flatMap((pruning) => pruning.removed));
  const remaining = visible.labels.filter((label) => !removed.has(label));
  const milestone = decideMilestone(enforcement.phase_milestones, remaining, issue, checks);
  return finalizePlan(issue, { checks, prunings, ...(milestone === undefined ? {} : { milestone }) });
}

function disguisedLabelsCheck(labels: string[]): Check {
  return {
    id: "labels.invisible_characters",
    outcome: "WARN",
    details: {
      labels: labels.map(revealInvisible),
      characters: labels.map((label) => findInvisibleCharacter(label)!.description),
      hint: "these labels hold invisible or bidirectional-control characters, so enforce does not treat them as group members; rename or remove them on GitHub",
    },
  };
}

function decideGroup(
  group: GroupName,
  rule: GroupRule | StateRule,
  config: HostConfig,
  issue: IssueSnapshot,
): { check: Check; pruning?: Pruning } {
  const labels = issue.labels.filter((label) => groupOf(label) === group);
  if (labels.length <= 1)
    return { check: { id: `${group}.exclusive`, outcome: "PASS", details: { labels } } };
  if (rule.mode === "off") {
    return { check: { id: `${group}.exclusive`, outcome: "PASS", details: { labels, mode: "off" } } };
  }
  const terminal = "terminal" in rule ? new Set(rule.terminal.map(labelKey)) : new Set<string>();
  const terminalPresent = labels.filter((label) => terminal.has(labelKey(label)));
  if (terminalPresent.length > 0) {
    // A terminal state marks a finished issue: its state labels are reported, never rewritten.
    return {
      check: {
        id: `${group}.terminal.present`,
        outcome: "WARN",
        details: { labels, terminal: terminalPresent },
      },
    };
  }
  if (rule.mode === "fail" || rule.mode === "warn") {
    return {
      check: {
        id: `${group}.exclusive.violation`,
        outcome: rule.mode === "fail" ? "FAIL" : "WARN",
        details: { labels, mode: rule.mode },
      },
    };
  }
  const ordered = [...labels].sort(groupOrder(group, config));
  const kept = rule.strategy === "highest" ? ordered[ordered.length - 1] : ordered[0];
  const removed = labels.filter((label) => label !== kept);
  return {
    check: {
      id: `${group}.exclusive.enforced`,
      outcome: "PASS",
      details: { kept, removed, strategy: rule.strategy },
    },
    pruning: { group, kept, removed },
  };
}

function decideMilestone(
  phaseMilestones: Readonly<Record<string, string>>,
  remaining: readonly string[],
  issue: IssueSnapshot,
  checks: Check[],
): { title: string; label: string } | undefined {
  const mapping = new Map(Object.entries(phaseMilestones).map(([label, title]) => [labelKey(label), title]));
  if (mapping.size === 0) return undefined;
  const phases = remaining.filter((label) => groupOf(label) === "phase").sort(comparePhases);
  const highest = phases[phases.length - 1];
  if (highest === undefined) return undefined;
  const title = mapping.get(labelKey(highest));
  if (title === undefined) {
    checks.push({
      id: "phase.milestone.map",
      outcome: "WARN",
      details: { label: highest, hint: `map ${highest} to a milestone under enforcement.phase_milestones` },
    });
    return undefined;
  }
  if (issue.milestone?.title === title) {
    checks.push({
      id: "phase.milestone.match",
      outcome: "PASS",
      details: { label: highest, milestone: title },
    });
    return undefined;
  }
  return { title, label: highest };
}
