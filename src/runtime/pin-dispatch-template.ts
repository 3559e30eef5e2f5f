import { isMap, isScalar, isSeq, parseDocument, type Scalar } from "yaml";
import { APP_REPOSITORY, DISPATCHER_WORKFLOW } from "./app-repository.js";

/**
 * Points a host's thin caller at a channel: the `uses:` of this project's dispatcher workflow gets
 * `@<channel>`. Nothing else changes; comments and layout are kept. Pure.
 *
 * @example pinDispatchTemplate(templateText, "v1")
 */
export function pinDispatchTemplate(text: string, channel: string): string {
  const doc = parseDocument(text);
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return text;
  const prefix = `${APP_REPOSITORY}/${DISPATCHER_WORKFLOW}@`;
  for (const pair of jobs.items) {
    if (!isMap(pair.value)) continue;
    const uses = pair.value.get("uses", true);
    if (isScalar(uses) && typeof uses.value === "string" && uses.value.startsWith(prefix))
      uses.value = `${prefix}${channel}`;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Rewrites the dispatcher workflow (`dispatch.yml`) to one release: every engine `uses:` pin, every
 * `engine_ref:` passed to an engine, and the plan job's `--engine-ref`. All of them, together, so the
 * pin and the recorded engine_ref can never drift apart. Comments and layout are kept. Pure.
 *
 * @example pinDispatchWorkflow(dispatchText, "v1.4.0")
 */
export function pinDispatchWorkflow(text: string, ref: string): string {
  const doc = parseDocument(text);
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return text;
  const prefix = `${APP_REPOSITORY}/.github/workflows/engine-`;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job)) continue;
    const uses = job.get("uses", true);
    if (isScalar(uses) && typeof uses.value === "string" && uses.value.startsWith(prefix)) {
      uses.value = `${uses.value.slice(0, uses.value.lastIndexOf("@"))}@${ref}`;
      const withs = job.get("with", true);
      if (isMap(withs)) setScalar(withs.get("engine_ref", true), ref);
    }
    const steps = job.get("steps", true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const run = step.get("run", true);
      if (isScalar(run) && typeof run.value === "string" && /\bdispatch plan\b/.test(run.value))
        run.value = run.value.replace(/(--engine-ref[ =])("?)[^\s"]+\2/, `$1${ref}`);
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function setScalar(node: unknown, value: string): void {
  if (isScalar(node)) (node as Scalar<string>).value = value;
}
