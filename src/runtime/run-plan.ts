import type { EngineName } from "./engine.js";

/**
 * The run plan (DESIGN §5.4): what the dispatcher decided for one event. Every engine of the run
 * shares its `correlation_id` and `engine_ref`; `engines` always starts with `preflight`.
 */

/** What a run does; chosen by the event (or, for `workflow_dispatch`, by the operator). */
export type RunMode = "validate" | "materialize" | "enforce" | "reconcile" | "self-test";

export const RUN_MODES: readonly RunMode[] = ["validate", "materialize", "enforce", "reconcile", "self-test"];

/** `marketplace` (the default) pins engines to a tag or SHA; `development` accepts any ref and records it. */
export type RuntimeMode = "marketplace" | "development";

export const RUNTIME_MODES: readonly RuntimeMode[] = ["marketplace", "development"];

/** The dispatcher's verdict on `engine_ref`; preflight's `engine_ref.policy` check reports it. */
export type EngineRefVerdict = { ok: true } | { ok: false; reason: string; hint: string };

export interface RunPlan {
  readonly mode: RunMode;
  readonly target_repo: string;
  readonly correlation_id: string;
  readonly engine_ref: string;
  readonly runtime_mode: RuntimeMode;
  /** Engines in the order they run; the first is always `preflight`. */
  readonly engines: readonly EngineName[];
  /** The issue an `enforce` run works on. */
  readonly issue_number?: number;
  /** The label the `issues.labeled` event added, so enforce's strategy `latest` needs no extra read. */
  readonly label_added?: string;
  /** The commit whose `.github/task-assistant.yml` is read (a pushed or proposed change); default branch when absent. */
  readonly config_ref?: string;
  /** Whether `engine_ref` satisfies the runtime mode's policy. Not a refusal: preflight fails on it and records why. */
  readonly engine_ref_policy: EngineRefVerdict;
  /** Where the correlation id came from, for the record and for operators reading it. */
  readonly correlation_source: "supplied" | "actions-run" | "generated";
  /** The event that started the run (`issues.labeled`, `schedule`, ...). */
  readonly trigger: string;
  readonly dry_run: boolean;
}

/** Why the dispatcher will not plan a run for this input; names the offending event or field. */
export interface Refusal {
  readonly refused: true;
  /** The event or field at fault: `event`, `payload.action`, `sender`, `correlation_id`, `--mode`, ... */
  readonly field: string;
  readonly message: string;
  readonly hint: string;
}

export function isRefusal<T extends object>(value: T | Refusal): value is Refusal {
  return "refused" in value && value.refused === true;
}

export function refuse(field: string, message: string, hint: string): Refusal {
  return { refused: true, field, message, hint };
}
