import { findInvisibleCharacter, revealInvisible } from "../config/invisible-characters.js";
import {
  GROUP_NAMES,
  groupOf,
  labelKey,
  scopeOf,
  type Exclusivity,
  type GroupRule,
  type HostConfig,
  type StateRule,
} from "../config/config-model.js";
import type { Check } from "../runtime/engine.js";
import { compareNames, comparePhases, groupOrder, type LabelComparator } from "./label-order.js";
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
export function planEnforcement(
  config: HostConfig,
  issue: IssueSnapshot,
  signals: LatestSignals = {},
): EnforcementPlan {
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
  let needsLabelEvents = false;
  for (const spec of exclusivityGroups(config, enforcement.exclusivity, visible.labels)) {
    const decision = decideGroup(spec, signals);
    if ("needsLabelEvents" in decision) {
      needsLabelEvents = true;
      continue;
    }
    checks.push(decision.check);
    if (decision.pruning !== undefined) prunings.push(decision.pruning);
  }
  const removed = new Set(prunings.flatMap((pruning) => pruning.removed));
  const remaining = visible.labels.filter((label) => !removed.has(label));
  const milestone = decideMilestone(enforcement.phase_milestones, remaining, issue, checks);
  const plan = finalizePlan(issue, { checks, prunings, ...(milestone === undefined ? {} : { milestone }) });
  return needsLabelEvents ? { ...plan, needsLabelEvents } : plan;
}

/** What strategy `latest` decides by: the label the event added, else the issue's label events. */
export interface LatestSignals {
  /** The label an `issues.labeled` event added. */
  added?: string;
  /** The names of the issue's `labeled` events, oldest first (read only when `latest` needs them). */
  labelEvents?: readonly string[];
}

/** One exclusivity group as found on the issue: its check id base, identifying detail and labels. */
interface GroupOnIssue {
  name: string;
  detail: Record<string, string>;
  labels: string[];
  rule: GroupRule | StateRule;
  compare: LabelComparator;
}

/**
 * The groups the issue's labels fall in: the built-in four, the configured prefix groups, then one
 * group per scope of the `::` labels. With `scoped` on, a label with a scope is a scoped label only.
 */
function exclusivityGroups(config: HostConfig, exclusivity: Exclusivity, labels: string[]): GroupOnIssue[] {
  const scoped = exclusivity.scoped;
  const unscoped = scoped === undefined ? labels : labels.filter((label) => scopeOf(label) === undefined);
  const found: GroupOnIssue[] = [];
  for (const group of GROUP_NAMES) {
    const rule = exclusivity[group];
    if (rule === undefined) continue;
    found.push({
      name: group,
      detail: {},
      labels: unscoped.filter((label) => groupOf(label) === group),
      rule,
      compare: groupOrder(group, config),
    });
  }
  for (const group of exclusivity.groups ?? []) {
    const prefix = labelKey(group.prefix);
    found.push({
      name: "group",
      detail: { prefix: group.prefix },
      labels: unscoped.filter((label) => labelKey(label).startsWith(prefix)),
      rule: group,
      compare: group.order === undefined ? compareNames : compareByList(group.order),
    });
  }
  if (scoped !== undefined) {
    const scopes = new Map<string, string[]>();
    for (const label of labels) {
      const scope = scopeOf(label);
      if (scope !== undefined) scopes.set(scope, [...(scopes.get(scope) ?? []), label]);
    }
    for (const [scope, members] of scopes) {
      found.push({ name: "scoped", detail: { scope }, labels: members, rule: scoped, compare: compareNames });
    }
  }
  return found;
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
  spec: GroupOnIssue,
  signals: LatestSignals,
): { check: Check; pruning?: Pruning } | { needsLabelEvents: true } {
  const { name: group, detail, labels, rule } = spec;
  if (labels.length <= 1)
    return { check: { id: `${group}.exclusive`, outcome: "PASS", details: { ...detail, labels } } };
  if (rule.mode === "off") {
    return {
      check: { id: `${group}.exclusive`, outcome: "PASS", details: { ...detail, labels, mode: "off" } },
    };
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
        details: { ...detail, labels, mode: rule.mode },
      },
    };
  }
  const kept = keep(spec, signals);
  if (kept === undefined) return { needsLabelEvents: true };
  const removed = labels.filter((label) => label !== kept.label);
  return {
    check: {
      id: `${group}.exclusive.enforced`,
      outcome: "PASS",
      details: { ...detail, kept: kept.label, removed, strategy: kept.by },
    },
    pruning: { group, ...detail, kept: kept.label, removed },
  };
}

/**
 * The label a group keeps. `latest`: the label the event added if it is in the group; else the
 * configured fallback; else the group label added last according to the issue's label events
 * (labels with no event, such as ones the issue was created with, count as added before any other).
 * Undefined when `latest` needs the label events and they were not read.
 */
function keep(spec: GroupOnIssue, signals: LatestSignals): { label: string; by: string } | undefined {
  const ordered = [...spec.labels].sort(spec.compare);
  const byOrder = (strategy: "highest" | "lowest") =>
    strategy === "highest" ? ordered[ordered.length - 1] : ordered[0];
  const rule = spec.rule;
  if (rule.strategy !== "latest") return { label: byOrder(rule.strategy), by: rule.strategy };
  const added = signals.added === undefined ? undefined : labelKey(signals.added);
  const addedHere = spec.labels.find((label) => labelKey(label) === added);
  if (addedHere !== undefined) return { label: addedHere, by: "latest" };
  if (rule.fallback !== undefined)
    return { label: byOrder(rule.fallback), by: `latest, fallback ${rule.fallback}` };
  if (signals.labelEvents === undefined) return undefined;
  const lastAdded = new Map<string, number>();
  signals.labelEvents.forEach((name, index) => lastAdded.set(labelKey(name), index));
  const rank = (label: string) => lastAdded.get(labelKey(label)) ?? -1;
  const latest = [...spec.labels].sort((a, b) => rank(a) - rank(b) || compareNames(a, b));
  return { label: latest[latest.length - 1], by: "latest" };
}

/** An explicit order, lowest first; labels not in it rank below every listed one, by name. */
function compareByList(order: readonly string[]): LabelComparator {
  const position = new Map(order.map((label, index) => [labelKey(label), index]));
  const rank = (label: string) => position.get(labelKey(label)) ?? -1;
  return (a, b) => rank(a) - rank(b) || compareNames(a, b);
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
