import type { Problem } from "../errors.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { brokerUrlProblems } from "./broker-url-problems.js";
import { codeCheckoutProblems } from "./check-code-checkout.js";
import type { EngineName } from "./engine.js";
import { asRecord, parseWorkflow, type WorkflowDocument } from "./workflow-document.js";

/** Inputs every engine workflow requires (DESIGN §3); preflight resolves the telemetry repo itself. */
export function requiredEngineInputs(engine: EngineName): readonly string[] {
  return engine === "preflight"
    ? ["target_repo", "correlation_id", "engine_ref"]
    : ["target_repo", "telemetry_repo", "correlation_id", "engine_ref"];
}

/** The `permissions` an engine workflow may ask for; anything more is refused. */
const ALLOWED_PERMISSIONS: Readonly<Record<string, string>> = { contents: "read", "id-token": "write" };

/**
 * Checks one reusable engine workflow (`.github/workflows/engine-<name>.yml`): triggered by
 * `workflow_call` only; the required string inputs; least `permissions`; every checkout of this
 * project at the commit of the workflow being run (`job_workflow_sha`, never a ref a caller passes),
 * with nothing installed; a step that runs `task-assistant engine run <name>`; and no way for a caller to
 * choose the token broker (no broker input, no `TA_TOKEN_BROKER_URL`): the release names it. Pure.
 *
 * @example checkEngineWorkflow("validate", text, ".github/workflows/engine-validate.yml") // []
 */
export function checkEngineWorkflow(engine: EngineName, text: string, file: string): Problem[] {
  const parsed = parseWorkflow(text, file);
  if (!parsed.ok) return parsed.problems;
  const workflow = parsed.workflow;
  const root = asRecord(workflow.value);
  if (root === undefined) return [workflow.problem([], "the workflow is not a YAML mapping")];
  return [
    ...checkTriggers(workflow, root),
    ...checkInputs(workflow, root, engine),
    ...checkPermissions(workflow, root),
    ...checkSteps(workflow, root, engine),
    ...brokerUrlProblems(workflow, "the engine workflow"),
  ];
}

function checkTriggers(workflow: WorkflowDocument, root: Record<string, unknown>): Problem[] {
  const on = root.on;
  const triggers =
    typeof on === "string" ? [on] : Array.isArray(on) ? on.map(String) : Object.keys(asRecord(on) ?? {});
  const others = triggers.filter((trigger) => trigger !== "workflow_call");
  const problems: Problem[] = [];
  if (!triggers.includes("workflow_call"))
    problems.push(
      workflow.problem(
        ["on"],
        "an engine workflow must be triggered by workflow_call",
        "declare `on: workflow_call`",
      ),
    );
  for (const trigger of others) {
    problems.push(
      workflow.problem(
        ["on", trigger],
        `an engine workflow declares the trigger "${trigger}"; engines run only when a dispatcher calls them`,
        "remove the trigger: engines declare only workflow_call",
      ),
    );
  }
  return problems;
}

function checkInputs(
  workflow: WorkflowDocument,
  root: Record<string, unknown>,
  engine: EngineName,
): Problem[] {
  const inputs = asRecord(asRecord(asRecord(root.on)?.workflow_call)?.inputs) ?? {};
  const problems: Problem[] = [];
  for (const name of requiredEngineInputs(engine)) {
    const input = asRecord(inputs[name]);
    const path = ["on", "workflow_call", "inputs", name];
    if (input === undefined) {
      problems.push(
        workflow.problem(path, `input "${name}" is missing`, `declare ${name} as a required string input`),
      );
      continue;
    }
    if (input.required !== true)
      problems.push(
        workflow.problem([...path, "required"], `input "${name}" must be required`, "set required: true"),
      );
    if (input.type !== "string")
      problems.push(
        workflow.problem([...path, "type"], `input "${name}" must be of type string`, "set type: string"),
      );
  }
  return problems;
}

function checkPermissions(workflow: WorkflowDocument, root: Record<string, unknown>): Problem[] {
  const permissions = root.permissions;
  const record = asRecord(permissions);
  if (record === undefined) {
    return [
      workflow.problem(
        ["permissions"],
        "an engine workflow must declare its permissions (least privilege)",
        "declare permissions: { contents: read, id-token: write }",
      ),
    ];
  }
  const problems: Problem[] = [];
  for (const [scope, level] of Object.entries(record)) {
    const allowed = ALLOWED_PERMISSIONS[scope];
    if (
      allowed === undefined ||
      (level !== allowed && level !== "none" && !(allowed === "write" && level === "read"))
    )
      problems.push(
        workflow.problem(
          ["permissions", scope],
          `permission ${scope}: ${String(level)} is more than an engine workflow needs`,
          "engines act through their narrowed installation token; the workflow token only reads code and requests OIDC",
        ),
      );
  }
  return problems;
}

function checkSteps(
  workflow: WorkflowDocument,
  root: Record<string, unknown>,
  engine: EngineName,
): Problem[] {
  const problems: Problem[] = [];
  let runsEngine = false;
  let checksOut = false;
  const jobs = asRecord(root.jobs) ?? {};
  for (const [jobId, job] of Object.entries(jobs)) {
    const steps = asRecord(job)?.steps;
    if (!Array.isArray(steps)) continue;
    const checkout = codeCheckoutProblems(workflow, jobId, steps);
    problems.push(...checkout.problems);
    checksOut ||= checkout.checksOut;
    for (const step of steps) {
      const run = asRecord(step)?.run;
      if (
        typeof run === "string" &&
        new RegExp(`\\bengine run ${engine}(\\s|$)`).test(run) &&
        !/--record-failure\b/.test(run)
      )
        runsEngine = true;
    }
    if (engine !== "preflight" && checkout.checksOut)
      problems.push(...failureRecorderProblems(workflow, jobId, steps, engine));
  }
  if (!checksOut)
    problems.push(
      workflow.problem(
        ["jobs"],
        `no step checks out ${APP_REPOSITORY} at the commit of the workflow being run`,
        "add actions/checkout with ref: ${{ steps.<id>.outputs.sha }} after a step reading job_workflow_sha",
      ),
    );
  if (!runsEngine)
    problems.push(
      workflow.problem(
        ["jobs"],
        `no step runs \`task-assistant engine run ${engine}\``,
        `add a step that runs engine run ${engine}`,
      ),
    );
  return problems;
}

/** The inputs an engine workflow declares and which of them are required (empty when unreadable). */
export function engineWorkflowInputs(text: string, file: string): { declared: string[]; required: string[] } {
  const parsed = parseWorkflow(text, file);
  if (!parsed.ok) return { declared: [], required: [] };
  const inputs =
    asRecord(asRecord(asRecord(asRecord(parsed.workflow.value)?.on)?.workflow_call)?.inputs) ?? {};
  return {
    declared: Object.keys(inputs),
    required: Object.keys(inputs).filter((name) => asRecord(inputs[name])?.required === true),
  };
}

/**
 * The exit-path rules of an engine job (DESIGN §5.7): after the engine's step, a second checkout of
 * this project (at the same commit, run when the first did not succeed) and a recorder step running
 * `engine run <name> --record-failure` whenever the job failed or was cancelled, after either
 * checkout succeeded. So a failed checkout or token exchange, a crash, a cancellation and a timeout
 * each leave one ok=false record.
 */
function failureRecorderProblems(
  workflow: WorkflowDocument,
  jobId: string,
  steps: readonly unknown[],
  engine: EngineName,
): Problem[] {
  const problems: Problem[] = [];
  const records = new RegExp(`\\bengine run ${engine}\\b[^\\n]*--record-failure\\b`);
  const all = steps.map((raw, index) => ({ step: asRecord(raw) ?? {}, index }));
  const checkouts = all.filter(
    ({ step }) => typeof step.uses === "string" && step.uses.startsWith("actions/checkout@"),
  );
  const recorderAt = all.find(({ step }) => typeof step.run === "string" && records.test(step.run));
  if (recorderAt === undefined)
    return [
      workflow.problem(
        ["jobs", jobId, "steps"],
        `no step records ${engine}'s failure: a job stopped before the engine records would leave no record`,
        `add a last step running \`engine run ${engine} --record-failure "$CAUSE"\` with if: (failure() || cancelled()) && ...`,
      ),
    ];
  const path = ["jobs", jobId, "steps", recorderAt.index, "if"];
  const condition = typeof recorderAt.step.if === "string" ? recorderAt.step.if : "";
  if (!/\bcancelled\(\)/.test(condition) || !/\b(failure|always)\(\)/.test(condition))
    problems.push(
      workflow.problem(
        path,
        `the step recording ${engine}'s failure must run when the job failed and when it was cancelled`,
        "set if: (failure() || cancelled()) && (steps.<checkout>.outcome == 'success' || steps.<checkout again>.outcome == 'success')",
      ),
    );
  const [first, again] = checkouts;
  const firstId = typeof first?.step.id === "string" ? first.step.id : undefined;
  const againId = typeof again?.step.id === "string" ? again.step.id : undefined;
  const againIf = typeof again?.step.if === "string" ? again.step.if : "";
  if (
    firstId === undefined ||
    againId === undefined ||
    again.index > recorderAt.index ||
    !againIf.includes(`steps.${firstId}.outcome`) ||
    !/\bcancelled\(\)/.test(againIf)
  )
    problems.push(
      workflow.problem(
        ["jobs", jobId, "steps", (again ?? first ?? recorderAt).index],
        `a failed checkout would leave ${engine} without a record: no second checkout (with an id) runs before the recorder when the first (with an id) did not succeed`,
        "add a step with an id: actions/checkout at the same commit with if: (failure() || cancelled()) && steps.<first>.outcome != 'success'",
      ),
    );
  for (const id of [firstId, againId])
    if (id !== undefined && !condition.includes(`steps.${id}.outcome`))
      problems.push(
        workflow.problem(
          path,
          `the step recording ${engine}'s failure does not look at the checkout "${id}": it must run after either checkout succeeded`,
          `include steps.${id}.outcome == 'success' in its if:`,
        ),
      );
  return problems;
}
