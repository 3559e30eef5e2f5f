import type { Action, Check } from "../runtime/engine.js";
import { capProblems, countProblems } from "../util/problem-list.js";
import { CONFIG_RULES, type ConfigRule } from "./config-problems.js";
import type { MaterializationPlan, MaterializeStep } from "./plan-materialization.js";
import type { HostConfigRead } from "./read-host-config.js";

const MATERIALIZE_HINT = "run materialize (workflow_dispatch mode: materialize) to create or update them";

/**
 * Checks that describe the host config: `config.load`, then one check per validation rule that
 * was evaluated, a FAIL carrying every problem of that rule with its position and hint.
 */
export function configChecks(read: HostConfigRead): Check[] {
  const origin = { path: read.path, ...(read.ref === undefined ? {} : { ref: read.ref }) };
  if (read.status === "missing") {
    return [
      {
        id: "config.load",
        outcome: "FAIL",
        details: {
          ...origin,
          message: `${read.path} was not found${read.ref === undefined ? " on the default branch" : ` at ${read.ref}`}`,
          hint: `add ${read.path}; \`task-assistant install\` copies a starter config`,
        },
      },
    ];
  }
  const checks: Check[] = [{ id: "config.load", outcome: "PASS", details: { ...origin, sha: read.sha } }];
  const errors = read.status === "invalid" ? read.errors : [];
  for (const rule of Object.keys(CONFIG_RULES) as ConfigRule[]) {
    if (!read.checked.includes(rule)) continue;
    const problems = errors.filter((problem) => problem.rule === rule);
    checks.push(
      problems.length === 0
        ? { id: rule, outcome: "PASS", details: CONFIG_RULES[rule] }
        : {
            id: rule,
            outcome: "FAIL",
            details: listedErrors(problems.map(({ rule: _rule, ...problem }) => problem)),
          },
    );
  }
  return checks;
}

/**
 * The short form for engines that act on the config (materialize, enforce): `config.load` and one
 * `config.valid` check carrying every problem, instead of one check per rule.
 */
export function configValidityChecks(read: HostConfigRead): Check[] {
  const [load] = configChecks(read);
  if (read.status === "missing") return [load];
  if (read.status === "valid") return [load, { id: "config.valid", outcome: "PASS" }];
  return [
    load,
    {
      id: "config.valid",
      outcome: "FAIL",
      details: {
        ...listedErrors(read.errors),
        hint: "run `task-assistant config validate` on the file for details",
      },
    },
  ];
}

/**
 * The first problems, and how many more there are: a record (and the dashboard that reads it)
 * stays small however many problems a hostile config holds.
 */
function listedErrors<T>(problems: readonly T[]): { errors: T[]; errors_omitted?: number } {
  const { shown, omitted } = capProblems(problems);
  return omitted > 0 ? { errors: shown, errors_omitted: omitted } : { errors: shown };
}

/** The summary of a run that stopped at the config. */
export function configFailureSummary(read: HostConfigRead): string {
  if (read.status === "missing") return `Configuration ${read.path} not found`;
  const n = read.status === "invalid" ? read.errors.length : 0;
  return `Configuration is invalid (${countProblems(n)})`;
}

/**
 * What validate and self-test say about the repository: declared labels and milestones that are
 * missing or differ are WARN with the hint to run materialize; nothing is changed.
 */
export function inventoryChecks(plan: MaterializationPlan): Check[] {
  const missingLabels = names(plan.steps, "createLabel");
  const differing = plan.steps.flatMap((step) => (step.kind === "updateLabel" ? [labelChange(step)] : []));
  const caseDiffers = plan.labelCaseDifferences.length > 0 ? { case_differs: plan.labelCaseDifferences } : {};
  const labels: Check =
    missingLabels.length === 0 && differing.length === 0
      ? {
          id: "repo.labels",
          outcome: "PASS",
          details: { in_place: plan.labelsInPlace.length, ...caseDiffers },
        }
      : {
          id: "repo.labels",
          outcome: "WARN",
          details: { missing: missingLabels, differing, ...caseDiffers, hint: MATERIALIZE_HINT },
        };
  const missingMilestones = names(plan.steps, "createMilestone");
  const milestoneDetails: Record<string, unknown> = {
    missing: missingMilestones,
    closed: plan.milestonesClosed,
  };
  if (missingMilestones.length > 0) milestoneDetails.hint = MATERIALIZE_HINT;
  if (plan.milestonesClosed.length > 0) milestoneDetails.closed_hint = CLOSED_MILESTONE_HINT;
  const milestones: Check =
    missingMilestones.length === 0 && plan.milestonesClosed.length === 0
      ? { id: "repo.milestones", outcome: "PASS", details: { in_place: plan.milestonesInPlace.length } }
      : { id: "repo.milestones", outcome: "WARN", details: milestoneDetails };
  return [labels, milestones];
}

export const CLOSED_MILESTONE_HINT =
  "a closed milestone with this title exists; reopen it on GitHub if it is still in use — materialize never recreates or reopens milestones";

/** The plan's writes as result actions (`label.created`, `label.updated`, `milestone.created`). */
export function planActions(steps: readonly MaterializeStep[]): Action[] {
  return steps.map((step): Action => {
    switch (step.kind) {
      case "createLabel":
        return {
          id: "label.created",
          name: step.name,
          color: step.color,
          ...optional("description", step.description),
        };
      case "updateLabel":
        return labelChange(step);
      case "createMilestone":
        return { id: "milestone.created", title: step.title, ...optional("description", step.description) };
    }
  });
}

/** "create 2 labels, update 1 label, create 1 milestone", or "nothing to do". */
export function describeSteps(steps: readonly MaterializeStep[]): string {
  const count = (kind: MaterializeStep["kind"]) => steps.filter((step) => step.kind === kind).length;
  const parts = [
    phrase("create", count("createLabel"), "label"),
    phrase("update", count("updateLabel"), "label"),
    phrase("create", count("createMilestone"), "milestone"),
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? "nothing to do" : parts.join(", ");
}

function phrase(verb: string, n: number, noun: string): string | undefined {
  return n === 0 ? undefined : `${verb} ${n} ${noun}${n === 1 ? "" : "s"}`;
}

function labelChange(step: Extract<MaterializeStep, { kind: "updateLabel" }>): Action {
  return {
    id: "label.updated",
    name: step.name,
    from: step.from,
    to: { ...optional("color", step.color), ...optional("description", step.description) },
  };
}

function names(steps: readonly MaterializeStep[], kind: "createLabel" | "createMilestone"): string[] {
  return steps.flatMap((step) => {
    if (step.kind !== kind) return [];
    return [step.kind === "createMilestone" ? step.title : step.name];
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
