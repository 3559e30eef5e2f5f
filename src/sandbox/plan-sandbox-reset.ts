import { groupOf, labelKey } from "../config/config-model.js";

/**
 * What `sandbox reset` does to a sandbox repository, planned without I/O: close every open issue
 * (with a comment saying why), delete the labels Task Assistant manages — those in its groups
 * (`phase-`, `priority/`, `track/`, `state/`) and those the repository's config declares — and delete
 * every milestone. Other labels, the repository's files and all telemetry are left alone: telemetry
 * is immutable, and the config is the maintainers'.
 */

export interface ResetInventory {
  openIssues: ReadonlyArray<{ number: number; title: string; pull_request: boolean }>;
  labels: readonly string[];
  milestones: ReadonlyArray<{ number: number; title: string; state: "open" | "closed" }>;
  /** Label names the repository's config declares (tracks and labels); empty without a valid config. */
  declaredLabels: readonly string[];
}

export type ResetStep =
  | { kind: "closeIssue"; number: number; title: string }
  | { kind: "deleteLabel"; name: string }
  | { kind: "deleteMilestone"; number: number; title: string };

/** The reset's steps in the order they run: issues first, so no label or milestone is in use when it goes. */
export function planSandboxReset(inventory: ResetInventory): ResetStep[] {
  const declared = new Set(inventory.declaredLabels.map(labelKey));
  const issues = inventory.openIssues
    .filter((issue) => !issue.pull_request)
    .toSorted((a, b) => a.number - b.number)
    .map((issue): ResetStep => ({ kind: "closeIssue", number: issue.number, title: issue.title }));
  const labels = inventory.labels
    .filter((name) => groupOf(name) !== undefined || declared.has(labelKey(name)))
    .toSorted((a, b) => labelKey(a).localeCompare(labelKey(b)))
    .map((name): ResetStep => ({ kind: "deleteLabel", name }));
  const milestones = inventory.milestones
    .toSorted((a, b) => a.number - b.number)
    .map((milestone): ResetStep => ({
      kind: "deleteMilestone",
      number: milestone.number,
      title: milestone.title,
    }));
  return [...issues, ...labels, ...milestones];
}

/** One line per step, for people. */
export function describeResetStep(step: ResetStep): string {
  switch (step.kind) {
    case "closeIssue":
      return `close issue #${step.number} "${step.title}"`;
    case "deleteLabel":
      return `delete label ${step.name}`;
    case "deleteMilestone":
      return `delete milestone "${step.title}" (#${step.number})`;
  }
}
