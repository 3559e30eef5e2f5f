import type { EnforcementPlan } from "./enforcement-plan.js";

/** An issue's labels and milestone title, as a record shows them on either side of a change. */
export interface IssueFace {
  labels: string[];
  milestone: string | null;
}

/**
 * One changed issue as enforce's and reconcile's records name it (`details.changes`): its number, how
 * it looked before, how it looks after the writes, and the rules (action ids) that changed it.
 */
export interface IssueChange {
  number: number;
  before: IssueFace;
  after: IssueFace;
  rules: string[];
}

/** How many changes a record lists; `changes_total` counts them all. */
export const CHANGES_CAP = 50;

/**
 * The change a plan makes to its issue, or undefined when it writes nothing. Pure.
 *
 * @example issueChangeOf(plan) // { number: 7, before: { labels: ["a::x", "a::y"], ... }, after: ..., rules: ["scoped.labels.pruned"] }
 */
export function issueChangeOf(plan: EnforcementPlan): IssueChange | undefined {
  const write = plan.write;
  if (write === undefined) return undefined;
  const removed = new Set(write.remove);
  const before: IssueFace = {
    labels: [...plan.issue.labels],
    milestone: plan.issue.milestone?.title ?? null,
  };
  return {
    number: plan.issue.number,
    before,
    after: {
      labels: plan.issue.labels.filter((label) => !removed.has(label)),
      milestone: write.milestone?.title ?? before.milestone,
    },
    rules: [...new Set(plan.actions.map((action) => action.id))],
  };
}
