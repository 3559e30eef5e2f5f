import type { Problem } from "../errors.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { brokerUrlProblems } from "./broker-url-problems.js";
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

const ENGINE_REF_EXPRESSION = /^\$\{\{\s*inputs\.engine_ref\s*\}\}$/;

/**
 * Checks one reusable engine workflow (`.github/workflows/engine-<name>.yml`): triggered by
 * `workflow_call` only; the required string inputs; least `permissions`; every checkout of this
 * project at `${{ inputs.engine_ref }}` (so the code that runs is the code the run is pinned to, and
 * never `ref: main`); a step that runs `task-assistant engine run <name>`; and no way for a caller to
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
    steps.forEach((step, index) => {
      const record = asRecord(step) ?? {};
      const path = ["jobs", jobId, "steps", index];
      const uses = typeof record.uses === "string" ? record.uses : "";
      const withs = asRecord(record.with) ?? {};
      if (uses.startsWith("actions/checkout@")) {
        checksOut = true;
        if (withs.repository !== APP_REPOSITORY)
          problems.push(
            workflow.problem(
              [...path, "with", "repository"],
              `the checkout must fetch ${APP_REPOSITORY}`,
              `set repository: ${APP_REPOSITORY}`,
            ),
          );
        if (typeof withs.ref !== "string" || !ENGINE_REF_EXPRESSION.test(withs.ref.trim()))
          problems.push(
            workflow.problem(
              [...path, "with", "ref"],
              `the checkout must be at the run's engine_ref, not ${withs.ref === undefined ? "the default branch" : JSON.stringify(withs.ref)}`,
              "set ref: ${{ inputs.engine_ref }}",
            ),
          );
      } else if (typeof withs.ref === "string" && /^(main|master)$/.test(withs.ref.trim())) {
        problems.push(
          workflow.problem(
            [...path, "with", "ref"],
            `ref: ${withs.ref} floats`,
            "pin to ${{ inputs.engine_ref }}",
          ),
        );
      }
      if (typeof record.run === "string" && new RegExp(`\\bengine run ${engine}(\\s|$)`).test(record.run))
        runsEngine = true;
    });
  }
  if (!checksOut)
    problems.push(
      workflow.problem(
        ["jobs"],
        `no step checks out ${APP_REPOSITORY} at the run's engine_ref`,
        "add actions/checkout with ref: ${{ inputs.engine_ref }}",
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
