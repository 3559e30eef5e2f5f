import type { Problem } from "../errors.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { brokerUrlProblems } from "./broker-url-problems.js";
import { codeCheckoutProblems } from "./check-code-checkout.js";
import { ENGINE_NAMES, type EngineName } from "./engine.js";
import { checkEngineRef } from "./engine-ref-policy.js";
import { asRecord, parseWorkflow, type WorkflowDocument } from "./workflow-document.js";

/** The inputs an engine workflow declares, to check the calls made to it. */
export interface EngineInputs {
  readonly declared: readonly string[];
  readonly required: readonly string[];
}

export interface DispatchWorkflowCheck {
  /** The one literal ref the workflow pins (the first engine call's, when they disagree). */
  readonly ref: string | undefined;
  readonly problems: Problem[];
}

export interface DispatchWorkflowOptions {
  /** The ref the workflow must be pinned to (the release being checked). */
  readonly expectedRef?: string;
  /** Each engine workflow's inputs; when given, every call is checked against them. */
  readonly engineInputs?: Partial<Record<EngineName, EngineInputs>>;
  /** Allow refs that only development mode accepts (branches). Default: marketplace rules. */
  readonly allowFloatingRef?: boolean;
}

const ENGINE_CALL = new RegExp(
  `^${APP_REPOSITORY.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/\\.github/workflows/engine-([a-z-]+)\\.yml@(.+)$`,
);

/**
 * Checks the dispatcher workflow (`.github/workflows/dispatch.yml`): every engine is called through
 * `uses:` pinned to one literal ref, each call passes that same literal as `engine_ref`, the plan job
 * checks this project out at the workflow's own commit (job_workflow_sha), installs nothing and plans
 * with the same literal ref, engines after preflight run only when preflight said ok, and nothing
 * anywhere uses `ref: main`; no broker can be passed (the release names it). This is the test suite's
 * rule and `release check`'s. Pure.
 *
 * @example checkDispatchWorkflow(text, ".github/workflows/dispatch.yml", { expectedRef: "v1.4.0" })
 */
export function checkDispatchWorkflow(
  text: string,
  file: string,
  options: DispatchWorkflowOptions = {},
): DispatchWorkflowCheck {
  const parsed = parseWorkflow(text, file);
  if (!parsed.ok) return { ref: undefined, problems: parsed.problems };
  const workflow = parsed.workflow;
  const jobs = asRecord(asRecord(workflow.value)?.jobs);
  if (jobs === undefined)
    return { ref: undefined, problems: [workflow.problem(["jobs"], "the workflow has no jobs")] };

  const problems: Problem[] = [];
  const calls: { jobId: string; engine: string; ref: string }[] = [];
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const job = asRecord(rawJob) ?? {};
    if (typeof job.uses !== "string") continue;
    const match = ENGINE_CALL.exec(job.uses);
    if (match === null) {
      problems.push(
        workflow.problem(
          ["jobs", jobId, "uses"],
          `job ${jobId} calls ${job.uses}, which is not an engine of ${APP_REPOSITORY}`,
          `call ${APP_REPOSITORY}/.github/workflows/engine-<name>.yml@<ref>`,
        ),
      );
      continue;
    }
    calls.push({ jobId, engine: match[1], ref: match[2] });
  }

  const ref = options.expectedRef ?? calls[0]?.ref;
  if (ref === undefined)
    return { ref: undefined, problems: [...problems, workflow.problem(["jobs"], "no engine is called")] };
  if (ref.includes("${{"))
    problems.push(
      workflow.problem(
        ["jobs", calls[0].jobId, "uses"],
        "uses: must carry a literal ref; GitHub does not expand expressions there",
        "write the release tag itself",
      ),
    );
  if (!options.allowFloatingRef) {
    const verdict = checkEngineRef(ref, "marketplace");
    if (!verdict.ok)
      problems.push(workflow.problem(["jobs", calls[0]?.jobId ?? ""], verdict.reason, verdict.hint));
  }

  for (const call of calls) problems.push(...checkCall(workflow, jobs, call, ref, options.engineInputs));
  for (const engine of ENGINE_NAMES) {
    const count = calls.filter((call) => call.engine === engine).length;
    if (count !== 1)
      problems.push(
        workflow.problem(
          ["jobs"],
          `engine ${engine} is called ${count} times; the dispatcher calls each engine exactly once`,
        ),
      );
  }
  for (const call of calls) {
    if (!(ENGINE_NAMES as readonly string[]).includes(call.engine))
      problems.push(
        workflow.problem(
          ["jobs", call.jobId, "uses"],
          `engine-${call.engine}.yml is not an engine of this project`,
        ),
      );
  }
  problems.push(...checkPlanJob(workflow, jobs, ref));
  problems.push(...brokerUrlProblems(workflow, "the dispatcher workflow"));
  return { ref, problems };
}

function checkCall(
  workflow: WorkflowDocument,
  jobs: Record<string, unknown>,
  call: { jobId: string; engine: string; ref: string },
  ref: string,
  engineInputs: DispatchWorkflowOptions["engineInputs"],
): Problem[] {
  const job = asRecord(jobs[call.jobId]) ?? {};
  const withs = asRecord(job.with) ?? {};
  const path = ["jobs", call.jobId];
  const problems: Problem[] = [];
  if (call.ref !== ref)
    problems.push(
      workflow.problem(
        [...path, "uses"],
        `engine ${call.engine} is pinned to ${call.ref}, not to ${ref} like the rest`,
        `pin every engine to ${ref}`,
      ),
    );
  if (withs.engine_ref !== ref || withs.engine_ref !== call.ref)
    problems.push(
      workflow.problem(
        [...path, "with", "engine_ref"],
        withs.engine_ref === undefined
          ? `engine ${call.engine} is not passed engine_ref`
          : `engine ${call.engine} is passed engine_ref ${JSON.stringify(withs.engine_ref)}, but runs the code at ${call.ref}`,
        `pass engine_ref: ${ref}, the literal its uses: is pinned to`,
      ),
    );
  if (call.engine !== "preflight") {
    const needs = Array.isArray(job.needs) ? job.needs : [job.needs];
    const condition = typeof job.if === "string" ? job.if : "";
    if (!needs.includes("preflight") || !/needs\.preflight\.outputs\.ok\s*==\s*'true'/.test(condition))
      problems.push(
        workflow.problem(
          [...path, "if"],
          `engine ${call.engine} must wait for preflight and run only if it passed`,
          "add needs: preflight and if: needs.preflight.outputs.ok == 'true'",
        ),
      );
  }
  const inputs = engineInputs?.[call.engine as EngineName];
  if (inputs !== undefined) {
    for (const name of Object.keys(withs))
      if (!inputs.declared.includes(name))
        problems.push(
          workflow.problem([...path, "with", name], `engine-${call.engine}.yml has no input "${name}"`),
        );
    for (const name of inputs.required)
      if (!(name in withs))
        problems.push(
          workflow.problem(
            [...path, "with"],
            `engine-${call.engine}.yml requires input "${name}"`,
            `pass ${name}`,
          ),
        );
  }
  return problems;
}

/** The plan job runs the bundle of the workflow's own commit, planning with the one literal ref. */
function checkPlanJob(workflow: WorkflowDocument, jobs: Record<string, unknown>, ref: string): Problem[] {
  const problems: Problem[] = [];
  let plans = false;
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    const steps = asRecord(rawJob)?.steps;
    if (!Array.isArray(steps)) continue;
    problems.push(...codeCheckoutProblems(workflow, jobId, steps).problems);
    steps.forEach((rawStep, index) => {
      const step = asRecord(rawStep) ?? {};
      if (typeof step.run !== "string" || !/\bdispatch plan\b/.test(step.run)) return;
      plans = true;
      const planned = /--engine-ref[ =]("?)([^\s"]+)\1/.exec(step.run)?.[2];
      if (planned !== ref)
        problems.push(
          workflow.problem(
            ["jobs", jobId, "steps", index, "run"],
            `the plan is made with engine_ref ${planned ?? "(none)"}, not ${ref}`,
            `pass --engine-ref ${ref}`,
          ),
        );
    });
  }
  if (!plans)
    problems.push(
      workflow.problem(["jobs"], "no job runs `task-assistant dispatch plan`", "add the plan job"),
    );
  return problems;
}
