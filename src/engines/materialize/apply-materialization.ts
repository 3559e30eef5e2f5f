import { isExpectedFailure } from "../../config/engine-report.js";
import type { GitHub } from "../../github/octokit.js";
import type { MaterializeStep } from "../../config/plan-materialization.js";

export interface MaterializeOutcome {
  applied: MaterializeStep[];
  /** The step that failed, with its error; the steps after it were not attempted. */
  failed?: { step: MaterializeStep; error: unknown };
  notAttempted: MaterializeStep[];
}

/**
 * The executor: one request per step, in plan order, stopping at the first failure so the record
 * says exactly what was and was not done. A dry run sends nothing. Re-running after a failure is
 * safe: the next plan starts from what exists.
 */
export async function applyMaterialization(
  github: GitHub,
  target: { owner: string; repo: string },
  steps: readonly MaterializeStep[],
  dryRun: boolean,
): Promise<MaterializeOutcome> {
  if (dryRun) return { applied: [], notAttempted: [...steps] };
  const applied: MaterializeStep[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      await applyStep(github, target, step);
    } catch (error) {
      if (!isExpectedFailure(error)) throw error;
      return { applied, failed: { step, error }, notAttempted: steps.slice(index + 1) };
    }
    applied.push(step);
  }
  return { applied, notAttempted: [] };
}

async function applyStep(github: GitHub, target: { owner: string; repo: string }, step: MaterializeStep) {
  const { owner, repo } = target;
  const description = step.description === undefined ? {} : { description: step.description };
  switch (step.kind) {
    case "createLabel":
      await github.rest.issues.createLabel({
        owner,
        repo,
        name: step.name,
        color: step.color,
        ...description,
      });
      return;
    case "updateLabel":
      await github.rest.issues.updateLabel({
        owner,
        repo,
        name: step.name,
        ...(step.color === undefined ? {} : { color: step.color }),
        ...description,
      });
      return;
    case "createMilestone":
      await github.rest.issues.createMilestone({ owner, repo, title: step.title, ...description });
      return;
  }
}
