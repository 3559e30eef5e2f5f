import { appendFile } from "node:fs/promises";
import type { TelemetrySource } from "../../telemetry/envelope.js";
import type { EngineName } from "../../runtime/engine.js";

type Env = Readonly<Record<string, string | undefined>>;

/** What GitHub Actions tells a step about itself; undefined fields when not on Actions. */
export interface ActionsEnv {
  readonly onActions: boolean;
  readonly run: { readonly run_id: string; readonly run_attempt: string } | undefined;
  readonly job: string | undefined;
  /** `$GITHUB_OUTPUT`: step outputs. */
  readonly outputFile: string | undefined;
  /** `$GITHUB_STEP_SUMMARY`: the job summary (markdown). */
  readonly summaryFile: string | undefined;
}

export function readActionsEnv(env: Env): ActionsEnv {
  const onActions = env.GITHUB_ACTIONS === "true";
  const runId = env.GITHUB_RUN_ID?.trim();
  const attempt = env.GITHUB_RUN_ATTEMPT?.trim();
  return {
    onActions,
    run: onActions && runId && attempt ? { run_id: runId, run_attempt: attempt } : undefined,
    job: onActions ? env.GITHUB_JOB?.trim() || undefined : undefined,
    outputFile: env.GITHUB_OUTPUT?.trim() || undefined,
    summaryFile: env.GITHUB_STEP_SUMMARY?.trim() || undefined,
  };
}

/** Appends step outputs (`name=value` lines; a heredoc block for values with newlines). */
export async function writeStepOutputs(actions: ActionsEnv, outputs: Record<string, string>): Promise<void> {
  if (actions.outputFile === undefined) return;
  const lines = Object.entries(outputs).map(([name, value]) => {
    if (!value.includes("\n")) return `${name}=${value}\n`;
    const delimiter = `TASK_ASSISTANT_EOF_${name.toUpperCase()}`;
    return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  });
  await appendFile(actions.outputFile, lines.join(""), "utf8");
}

/** Appends markdown to the job summary, when there is one. */
export async function appendStepSummary(actions: ActionsEnv, markdown: string): Promise<void> {
  if (actions.summaryFile === undefined) return;
  await appendFile(actions.summaryFile, markdown.endsWith("\n") ? markdown : `${markdown}\n`, "utf8");
}

/**
 * The `source` block of a record: on Actions, the engine workflow, job and run; locally, the local
 * runner and no run id (so a replayed local run writes the same bytes).
 */
export function recordSource(actions: ActionsEnv, workflow: (engine: EngineName) => string) {
  return (engine: EngineName): TelemetrySource =>
    actions.onActions && actions.run !== undefined
      ? {
          runner: "github-actions",
          workflow: workflow(engine),
          job: actions.job ?? engine,
          run_id: actions.run.run_id,
          run_attempt: actions.run.run_attempt,
        }
      : { runner: "local", workflow: workflow(engine), job: engine };
}
