import { InternalError, TaskAssistantError } from "../errors.js";
import { splitRepo } from "../github/octokit.js";
import type { Action, Check, EngineContext, EngineName, EngineResult } from "../runtime/engine.js";
import { httpStatusOf, type ConfigLocation } from "./load-host-config.js";

/** Version of the result shape (DESIGN §5.5) the config-driven engines write. */
export const RESULT_VERSION = "1.0";

/**
 * An engine result: `ok` is true exactly when no check failed, so a record can never say ok while
 * listing a FAIL.
 */
export function engineResult(
  tool: EngineName,
  summary: string,
  checks: Check[],
  actions: Action[],
  extra: Record<string, unknown> = {},
): EngineResult {
  return {
    ...extra,
    tool,
    version: RESULT_VERSION,
    ok: !checks.some((check) => check.outcome === "FAIL"),
    summary,
    checks,
    actions,
  };
}

/**
 * A FAIL check for an error met while talking to GitHub (or a refused input), with the HTTP status
 * when there is one. Engines turn expected failures into results; only bugs escape as exceptions.
 */
export function failureCheck(id: string, error: unknown): Check {
  const status = httpStatusOf(error);
  const details: Record<string, unknown> = {
    message: error instanceof Error ? error.message : String(error),
  };
  if (status !== undefined) details.status = status;
  if (error instanceof TaskAssistantError && error.hint !== undefined) details.hint = error.hint;
  return { id, outcome: "FAIL", details };
}

/** Expected failures: typed errors and HTTP errors from Octokit. Anything else is a bug. */
export function isExpectedFailure(error: unknown): boolean {
  return error instanceof TaskAssistantError || httpStatusOf(error) !== undefined;
}

/** `owner/repo` of the engine context, split; the dispatcher has checked it, so a bad one is a bug. */
export function targetOf(targetRepo: string): { owner: string; repo: string } {
  const target = splitRepo(targetRepo);
  if (target === undefined)
    throw new InternalError(`target_repo "${targetRepo}" is not of the form owner/repo`);
  return target;
}

/**
 * Runs one I/O step of an engine: its value, or the FAIL check `id` when GitHub refused or failed
 * (a bug still throws), so every exit path of an engine is a result.
 *
 * @example const inventory = await attempt("repo.inventory", () => readRepoInventory(github, target));
 */
export async function attempt<T>(
  id: string,
  step: () => Promise<T>,
): Promise<{ value: T } | { failed: Check }> {
  try {
    return { value: await step() };
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return { failed: failureCheck(id, error) };
  }
}

/** Where an engine reads the host config: the target repository, at `config_ref` when the run has one. */
export function configLocation(ctx: EngineContext): ConfigLocation {
  return { ...targetOf(ctx.target_repo), ...(ctx.config_ref === undefined ? {} : { ref: ctx.config_ref }) };
}
