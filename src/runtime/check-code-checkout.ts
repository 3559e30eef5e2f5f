import type { Problem } from "../errors.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { asRecord, type WorkflowDocument } from "./workflow-document.js";

/** `${{ steps.<id>.outputs.sha }}`: the ref a job checks this project out at. */
const STEP_SHA = /^\$\{\{\s*steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.sha\s*\}\}$/;

/** Where the bundled release lives in a checkout of this project; jobs run it with the runner's Node. */
export const BUNDLE_FILE = "release/task-assistant.mjs";

/**
 * The rules for a job that runs this project's code (pure): it checks the app repository out at the
 * commit of the workflow being run — the `sha` output of an earlier step that reads
 * `job_workflow_sha` from the job's own OIDC token — never at a ref a caller passes, a branch, or the
 * default branch; it installs nothing (no actions/setup-node, no npm/yarn/pnpm install) and runs the
 * bundle. Returns the problems, and whether the job checks this project out at all.
 *
 * @example codeCheckoutProblems(workflow, "enforce", steps).problems // []
 */
export function codeCheckoutProblems(
  workflow: WorkflowDocument,
  jobId: string,
  steps: readonly unknown[],
): { problems: Problem[]; checksOut: boolean } {
  const problems: Problem[] = [];
  const shaSteps = new Set<string>();
  let checksOut = false;
  steps.forEach((rawStep, index) => {
    const step = asRecord(rawStep) ?? {};
    const path = ["jobs", jobId, "steps", index];
    const uses = typeof step.uses === "string" ? step.uses : "";
    const withs = asRecord(step.with) ?? {};
    const run = typeof step.run === "string" ? step.run : "";
    if (
      typeof step.id === "string" &&
      /\bjob_workflow_sha\b/.test(run) &&
      /ACTIONS_ID_TOKEN_REQUEST_URL/.test(run)
    )
      shaSteps.add(step.id);
    if (uses.startsWith("actions/setup-node@"))
      problems.push(
        workflow.problem(
          [...path, "uses"],
          "the job sets up Node.js: jobs run the bundled release with the runner's Node",
          "remove the step",
        ),
      );
    if (/\b(npm|yarn|pnpm)\s+(ci|install|i|add)\b/.test(run))
      problems.push(
        workflow.problem(
          [...path, "run"],
          "the job installs packages: the release is one bundled file and jobs install nothing",
          `remove the step and run node ${BUNDLE_FILE}`,
        ),
      );
    if (!uses.startsWith("actions/checkout@")) {
      if (typeof withs.ref === "string" && /^(main|master)$/.test(withs.ref.trim()))
        problems.push(
          workflow.problem(
            [...path, "with", "ref"],
            `ref: ${withs.ref} floats`,
            "pin to the workflow's commit",
          ),
        );
      return;
    }
    checksOut = true;
    if (withs.repository !== APP_REPOSITORY)
      problems.push(
        workflow.problem(
          [...path, "with", "repository"],
          `the checkout must fetch ${APP_REPOSITORY}`,
          `set repository: ${APP_REPOSITORY}`,
        ),
      );
    const ref = typeof withs.ref === "string" ? withs.ref.trim() : undefined;
    const from = ref === undefined ? undefined : STEP_SHA.exec(ref)?.[1];
    if (from === undefined || !shaSteps.has(from))
      problems.push(
        workflow.problem(
          [...path, "with", "ref"],
          `the checkout must be at the commit of the workflow being run (job_workflow_sha), not ${ref === undefined ? "the default branch" : JSON.stringify(ref)}`,
          "read job_workflow_sha from the job's OIDC token in an earlier step with an id, and set ref: ${{ steps.<id>.outputs.sha }}",
        ),
      );
  });
  return { problems, checksOut };
}
