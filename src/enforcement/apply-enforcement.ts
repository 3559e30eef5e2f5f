import { InternalError } from "../errors.js";
import { httpStatusOf } from "../config/load-host-config.js";
import type { GitHub } from "../github/octokit.js";
import type { EnforcementPlan } from "./enforcement-plan.js";

/**
 * The executor: applies a plan or, in a dry run, sends nothing. It changes only what the plan
 * decided, so an edit a person makes to the issue between enforce's read and its write survives:
 *
 * - each label to remove: `DELETE /repos/{o}/{r}/issues/{n}/labels/{name}`; a 404 means the label
 *   is already gone, which is what was wanted;
 * - the milestone, if it changes: `PATCH /repos/{o}/{r}/issues/{n}` carrying only `milestone`.
 *
 * The issue's label list is never written whole. Repeating the writes is harmless. Returns whether
 * it wrote.
 */
export async function applyEnforcement(
  github: GitHub,
  target: { owner: string; repo: string },
  plan: EnforcementPlan,
  dryRun: boolean,
): Promise<boolean> {
  const write = plan.write;
  if (write === undefined || dryRun) return false;
  if (write.milestone !== undefined && write.milestone.number === undefined) {
    throw new InternalError(`the milestone "${write.milestone.title}" was planned but never looked up`);
  }
  const issue = { owner: target.owner, repo: target.repo, issue_number: plan.issue.number };
  for (const name of write.remove) {
    try {
      await github.rest.issues.removeLabel({ ...issue, name });
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error;
    }
  }
  if (write.milestone !== undefined) {
    await github.rest.issues.update({ ...issue, milestone: write.milestone.number });
  }
  return true;
}
