import type { Problem } from "../errors.js";
import { asRecord, type WorkflowDocument } from "./workflow-document.js";

/** Where engine jobs take the broker URL from: the release's package.json, nowhere else. */
export const BROKER_URL_SOURCE = 'package.json "taskAssistant.tokenBroker" of the release';

const BROKER_ENV = "TA_TOKEN_BROKER_URL";
const BROKER_NAME = /broker/i;

/**
 * Every place a workflow could hand engine jobs a broker URL of its own choosing (pure): an input,
 * `with:` or `secrets:` entry whose name mentions the broker, or `TA_TOKEN_BROKER_URL` in an `env:`
 * of the workflow, a job or a step. Engine jobs use the broker their release names; a host that
 * could point them elsewhere could collect their OIDC tokens.
 *
 * @example brokerUrlProblems(workflow, "the host dispatcher") // [] for the template
 */
export function brokerUrlProblems(workflow: WorkflowDocument, who: string): Problem[] {
  const root = asRecord(workflow.value) ?? {};
  const problems: Problem[] = [];
  const hint = `remove it: engine jobs use the broker named in ${BROKER_URL_SOURCE}`;
  const env = (value: unknown, path: (string | number)[]) => {
    if (asRecord(value)?.[BROKER_ENV] !== undefined)
      problems.push(workflow.problem([...path, BROKER_ENV], `${who} sets ${BROKER_ENV}`, hint));
  };
  const named = (value: unknown, path: (string | number)[], what: string) => {
    for (const name of Object.keys(asRecord(value) ?? {}))
      if (BROKER_NAME.test(name))
        problems.push(
          workflow.problem([...path, name], `${who} takes a broker through ${what} "${name}"`, hint),
        );
  };
  const call = asRecord(asRecord(root.on)?.workflow_call);
  named(call?.inputs, ["on", "workflow_call", "inputs"], "the input");
  named(call?.secrets, ["on", "workflow_call", "secrets"], "the secret");
  env(root.env, ["env"]);
  for (const [jobId, rawJob] of Object.entries(asRecord(root.jobs) ?? {})) {
    const job = asRecord(rawJob) ?? {};
    env(job.env, ["jobs", jobId, "env"]);
    named(job.with, ["jobs", jobId, "with"], "the input");
    named(job.secrets, ["jobs", jobId, "secrets"], "the secret");
    if (Array.isArray(job.steps))
      job.steps.forEach((step, index) => env(asRecord(step)?.env, ["jobs", jobId, "steps", index, "env"]));
  }
  return problems;
}
