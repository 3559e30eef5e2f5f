import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { PolicyError, UsageError, ValidationError } from "../../errors.js";
import { ulidSource } from "../../runtime/id-source.js";
import { planRun } from "../../runtime/plan-run.js";
import { isRefusal, RUNTIME_MODES, type RunPlan, type RuntimeMode } from "../../runtime/run-plan.js";
import { systemClock } from "../../util/clock.js";
import type { CliIO } from "../command.js";
import type { ActionsEnv } from "./actions-env.js";
import { resolveAppSlug } from "./loop-guard-settings.js";
import { packageVersion } from "./package-info.js";

/** The flags `dispatch` and `dispatch plan` share. */
export const PLAN_FLAGS = {
  event: { type: "string" },
  payload: { type: "string" },
  repo: { type: "string" },
  mode: { type: "string" },
  "correlation-id": { type: "string" },
  "engine-ref": { type: "string" },
  "runtime-mode": { type: "string" },
  "app-slug": { type: "string" },
} as const;

type PlanFlagValues = { [K in keyof typeof PLAN_FLAGS]?: string | undefined };

/** Reads the payload file and plans the run; a refusal becomes a `PolicyError` naming the field (exit 2). */
export async function planFromFlags(
  values: PlanFlagValues & { "dry-run"?: boolean | undefined },
  io: CliIO,
  actions: ActionsEnv,
  command: string,
): Promise<RunPlan> {
  const { event, repo, payload: payloadPath } = requirePlanFlags(values, command);
  const payload = await readPayload(payloadPath, io.cwd);
  const runtimeMode = values["runtime-mode"] ?? "marketplace";
  if (!RUNTIME_MODES.includes(runtimeMode as RuntimeMode))
    throw new UsageError(`--runtime-mode ${runtimeMode} is not one of ${RUNTIME_MODES.join(", ")}`, {
      hint: "use marketplace (release tags and SHAs) or development (any ref)",
    });
  const plan = planRun(event, payload, {
    target_repo: repo,
    engine_ref: values["engine-ref"] ?? `v${await packageVersion()}`,
    runtime_mode: runtimeMode as RuntimeMode,
    ...(values.mode === undefined ? {} : { mode: values.mode }),
    ...(values["correlation-id"] === undefined ? {} : { correlation_id: values["correlation-id"] }),
    ...(actions.run === undefined ? {} : { actions_run: actions.run }),
    newId: ulidSource(systemClock),
    app_slug: await resolveAppSlug(values["app-slug"], io.env),
    dry_run: values["dry-run"] ?? false,
  });
  if (isRefusal(plan)) throw new PolicyError(`refused (${plan.field}): ${plan.message}`, { hint: plan.hint });
  return plan;
}

/**
 * The flags every plan needs, or one `UsageError` naming all that are missing. Commands call it
 * before anything else (registry, GitHub), so the first error is the one the command line can fix.
 */
export function requirePlanFlags(
  values: PlanFlagValues,
  command: string,
): { event: string; repo: string; payload: string } {
  const missing = (["event", "payload", "repo"] as const).filter(
    (flag) => values[flag] === undefined || values[flag].trim() === "",
  );
  if (missing.length > 0)
    throw new UsageError(
      `${missing.map((flag) => `--${flag}`).join(", ")} ${missing.length > 1 ? "are" : "is"} required`,
      {
        hint: `see \`task-assistant ${command} --help\``,
      },
    );
  return { event: values.event ?? "", repo: values.repo ?? "", payload: values.payload ?? "" };
}

async function readPayload(path: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the payload file ${path}: ${(error as Error).message}`, {
      hint: "pass --payload with the webhook payload (on Actions: $GITHUB_EVENT_PATH)",
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const offset = /position (\d+)/.exec((error as Error).message)?.[1];
    const position = offset === undefined ? {} : lineCol(text, Number(offset));
    throw new ValidationError(`the payload file ${path} is not valid JSON`, [
      {
        path: "",
        file: path,
        message: (error as Error).message,
        ...position,
        hint: "pass the event's JSON payload",
      },
    ]);
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
