import type { Problem } from "../errors.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { asRecord, parseWorkflow } from "./workflow-document.js";

/**
 * The actions this project's workflows may use, each at the one commit checked to declare
 * `runs.using: node24` in its action.yml (GitHub retired Node 20 on its runners). A new action or
 * version is added here after reading its action.yml at that commit.
 */
export const NODE24_ACTIONS: Readonly<Record<string, { sha: string; version: string }>> = {
  "actions/checkout": { sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8", version: "v5.0.0" },
  "actions/setup-node": { sha: "a0853c24544627f65ddf259abe73b1d18a591444", version: "v5.0.0" },
};

const SHA = /^[0-9a-f]{40}$/;

/**
 * Checks every `uses:` of a workflow file (pure): a step's action is pinned by full commit SHA to a
 * version in `NODE24_ACTIONS` (a tag or branch can be moved under the workflow; a Node 20 action no
 * longer runs); a job's reusable workflow is this project's own (pinned to a release by
 * `release prepare`) or pinned by SHA. Local `./` actions and workflows are the caller's own code.
 *
 * @example checkActionPins("steps:\n  - uses: actions/checkout@v4", "ci.yml") // one problem
 */
export function checkActionPins(text: string, file: string): Problem[] {
  const parsed = parseWorkflow(text, file);
  if (!parsed.ok) return parsed.problems;
  const { workflow } = parsed;
  const problems: Problem[] = [];
  const jobs = asRecord(asRecord(workflow.value)?.jobs) ?? {};
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const job = asRecord(rawJob) ?? {};
    if (typeof job.uses === "string") {
      const uses = job.uses.trim();
      const [target, ref = ""] = uses.split("@");
      if (!uses.startsWith("./") && !target.startsWith(`${APP_REPOSITORY}/`) && !SHA.test(ref))
        problems.push(
          workflow.problem(
            ["jobs", jobId, "uses"],
            `the reusable workflow ${uses} is not pinned by commit SHA`,
            `pin it as ${target}@<40-hex commit SHA> # <version>`,
          ),
        );
    }
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((rawStep, index) => {
      const uses = asRecord(rawStep)?.uses;
      if (typeof uses !== "string") return;
      const problem = stepActionProblem(uses.trim());
      if (problem !== undefined)
        problems.push(
          workflow.problem(["jobs", jobId, "steps", index, "uses"], problem.message, problem.hint),
        );
    });
  }
  return problems;
}

function stepActionProblem(uses: string): { message: string; hint: string } | undefined {
  if (uses.startsWith("./")) return undefined;
  if (uses.startsWith("docker://"))
    return { message: `${uses}: container actions are not used here`, hint: "use a run: step" };
  const at = uses.lastIndexOf("@");
  const action = (at === -1 ? uses : uses.slice(0, at)).split("/").slice(0, 2).join("/");
  const ref = at === -1 ? "" : uses.slice(at + 1);
  const known = NODE24_ACTIONS[action];
  if (known === undefined)
    return {
      message: `${uses}: ${action} is not an action checked to run on Node 24`,
      hint: `use one of ${Object.keys(NODE24_ACTIONS).join(", ")}, or add ${action} to NODE24_ACTIONS after reading its action.yml (runs.using: node24) at the commit you pin`,
    };
  if (!SHA.test(ref))
    return {
      message: `${uses} is not pinned by commit SHA: a tag or branch can be moved under the workflow`,
      hint: `use ${action}@${known.sha} # ${known.version}`,
    };
  if (ref !== known.sha)
    return {
      message: `${uses} is not the commit checked to run on Node 24 (${known.version})`,
      hint: `use ${action}@${known.sha} # ${known.version}`,
    };
  return undefined;
}
