import { InternalError } from "../../errors.js";
import type { GitHub } from "../../github/octokit.js";
import type { EnforcementPlan } from "./enforcement-plan.js";

/**
 * The executor: applies a plan with at most one request, `PATCH /repos/{o}/{r}/issues/{n}` carrying
 * the full label list and/or the milestone, or, in a dry run, sends nothing. Both fields are
 * set-to-target values, so repeating the write is harmless. Returns whether it wrote.
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
  await github.rest.issues.update({
    owner: target.owner,
    repo: target.repo,
    issue_number: plan.issue.number,
    ...(write.labels === undefined ? {} : { labels: write.labels }),
    ...(write.milestone === undefined ? {} : { milestone: write.milestone.number }),
  });
  return true;
}
