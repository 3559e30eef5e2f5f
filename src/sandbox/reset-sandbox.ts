import { readHostConfig } from "../config/read-host-config.js";
import { ExternalError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { planSandboxReset, type ResetInventory, type ResetStep } from "./plan-sandbox-reset.js";

export interface SandboxResetReport {
  repo: string;
  steps: ResetStep[];
  /** Steps carried out (all of them unless `dryRun`). */
  done: number;
  dryRun: boolean;
}

/**
 * Reads the sandbox's issues, labels, milestones and config, plans the reset, and carries it out
 * unless `dryRun`. Callers check eligibility against the registry first (`assertResettableSandbox`).
 * Safe to repeat: a second reset finds nothing to do.
 */
export async function resetSandbox(
  github: GitHub,
  target: { owner: string; repo: string },
  options: { dryRun: boolean; comment: string },
): Promise<SandboxResetReport> {
  const steps = planSandboxReset(await readInventory(github, target));
  const report: SandboxResetReport = {
    repo: `${target.owner}/${target.repo}`,
    steps,
    done: 0,
    dryRun: options.dryRun,
  };
  if (options.dryRun) return report;
  for (const step of steps) {
    await carryOut(github, target, step, options.comment);
    report.done += 1;
  }
  return report;
}

async function readInventory(
  github: GitHub,
  target: { owner: string; repo: string },
): Promise<ResetInventory> {
  const [issues, labels, milestones, config] = await Promise.all([
    github.paginate(github.rest.issues.listForRepo, { ...target, state: "open", per_page: 100 }),
    github.paginate(github.rest.issues.listLabelsForRepo, { ...target, per_page: 100 }),
    github.paginate(github.rest.issues.listMilestones, { ...target, state: "all", per_page: 100 }),
    readHostConfig(github, target),
  ]);
  const declaredLabels =
    config.status === "valid"
      ? [
          ...config.config.tracks.map((track) => track.label),
          ...config.config.labels.map((label) => label.name),
        ]
      : [];
  return {
    openIssues: issues.map((issue) => ({
      number: issue.number,
      title: issue.title,
      pull_request: issue.pull_request !== undefined,
    })),
    labels: labels.map((label) => label.name),
    milestones: milestones.map((milestone) => ({
      number: milestone.number,
      title: milestone.title,
      state: milestone.state === "closed" ? ("closed" as const) : ("open" as const),
    })),
    declaredLabels,
  };
}

async function carryOut(
  github: GitHub,
  target: { owner: string; repo: string },
  step: ResetStep,
  comment: string,
): Promise<void> {
  try {
    switch (step.kind) {
      case "closeIssue":
        await github.rest.issues.createComment({ ...target, issue_number: step.number, body: comment });
        await github.rest.issues.update({
          ...target,
          issue_number: step.number,
          state: "closed",
          state_reason: "not_planned",
        });
        return;
      case "deleteLabel":
        await github.rest.issues.deleteLabel({ ...target, name: step.name });
        return;
      case "deleteMilestone":
        await github.rest.issues.deleteMilestone({ ...target, milestone_number: step.number });
        return;
    }
  } catch (error) {
    const status = (error as { status?: number }).status;
    // Already gone (another reset, a person): the goal of the step is met.
    if (status === 404 && step.kind !== "closeIssue") return;
    throw new ExternalError(`sandbox reset could not ${describe(step)} in ${target.owner}/${target.repo}`, {
      ...(status === undefined ? {} : { status }),
      cause: error,
      hint: "run the reset again: steps already done are not repeated",
    });
  }
}

function describe(step: ResetStep): string {
  return step.kind === "closeIssue"
    ? `close issue #${step.number}`
    : step.kind === "deleteLabel"
      ? `delete label ${step.name}`
      : `delete milestone #${step.number}`;
}
