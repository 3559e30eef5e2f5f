import { isMap, isScalar, isSeq, parseDocument, type Document, type Scalar } from "yaml";
import { APP_REPOSITORY } from "./app-repository.js";

/**
 * Rewrites a dispatcher workflow to one ref: every engine `uses:` pin, every `engine_ref:` passed to
 * an engine, the plan job's checkout of this project and its `--engine-ref`, or, in a thin caller,
 * the `uses:` of this project's reusable `dispatch.yml` (the channel). All of them, together, so the
 * pin and the recorded engine_ref can never drift apart. Comments and layout are kept. Pure.
 *
 * @example pinDispatchTemplate(templateText, "v1.4.0")
 */
export function pinDispatchTemplate(text: string, ref: string): string {
  const doc = parseDocument(text);
  if (!isMap(doc.get("jobs", true))) return text;
  pinDispatchDocument(doc, ref);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * Rewrites the dispatcher workflow (`dispatch.yml`) to one release: every engine `uses:` pin, every
 * `engine_ref:` passed to an engine, and the plan job's `--engine-ref`. Its checkouts stay at the
 * workflow's own commit (an expression), never a literal ref. Pure.
 *
 * @example pinDispatchWorkflow(dispatchText, "v1.4.0")
 */
export function pinDispatchWorkflow(text: string, ref: string): string {
  return pinDispatchTemplate(text, ref);
}

/** `pinDispatchTemplate` on a parsed document, in place; returns how many `uses:` it pinned. */
export function pinDispatchDocument(doc: Document, ref: string): number {
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return 0;
  const workflows = `${APP_REPOSITORY}/.github/workflows/`;
  let pinned = 0;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job)) continue;
    const uses = job.get("uses", true);
    if (isScalar(uses) && typeof uses.value === "string" && uses.value.startsWith(workflows)) {
      const at = uses.value.lastIndexOf("@");
      const called = uses.value.slice(workflows.length, at < workflows.length ? undefined : at);
      if (called.startsWith("engine-") || called === "dispatch.yml") {
        uses.value = `${workflows}${called}@${ref}`;
        pinned += 1;
        const withs = job.get("with", true);
        if (isMap(withs) && called.startsWith("engine-")) setScalar(withs.get("engine_ref", true), ref);
      }
    }
    const steps = job.get("steps", true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const withs = step.get("with", true);
      // A literal checkout ref is pinned; an expression (the workflow's own commit) is left alone.
      const checkoutRef = isMap(withs) ? withs.get("ref", true) : undefined;
      if (
        isMap(withs) &&
        withs.get("repository") === APP_REPOSITORY &&
        !(isScalar(checkoutRef) && String(checkoutRef.value).includes("${{"))
      )
        setScalar(checkoutRef, ref);
      const run = step.get("run", true);
      if (isScalar(run) && typeof run.value === "string" && /\bdispatch plan\b/.test(run.value))
        run.value = run.value.replace(/(--engine-ref[ =])("?)[^\s"]+\2/, `$1${ref}`);
    }
  }
  return pinned;
}

function setScalar(node: unknown, value: string): void {
  if (isScalar(node)) (node as Scalar<string>).value = value;
}
