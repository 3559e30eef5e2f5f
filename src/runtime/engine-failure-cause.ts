import type { EngineName } from "./engine.js";

/**
 * Why an engine job ended without the engine's own record, as its workflow's recorder step names it
 * from the steps' outcomes (DESIGN §5.7):
 * - `checkout`: the job could not check this project out, so the engine never started;
 * - `token`: the engine could not exchange the job's OIDC token for an installation token;
 * - `cancelled`: the run was cancelled (a newer run in its concurrency group, or by hand);
 * - `timeout`: the runner stopped the engine without a cancellation: the job's `timeout-minutes` ran out;
 * - `crashed`: the engine's process ended without recording and without being stopped.
 */
export const FAILURE_CAUSES = ["checkout", "token", "cancelled", "timeout", "crashed"] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

export function isFailureCause(value: string): value is FailureCause {
  return (FAILURE_CAUSES as readonly string[]).includes(value);
}

/**
 * The reason an engine's stand-in ok=false record carries: what happened, then the cause's name in
 * brackets, so a reader and a script both find it. Pure.
 *
 * @example failureReason("enforce", "checkout")
 * // "the enforce job could not check out Task Assistant, so enforce never started [checkout]"
 */
export function failureReason(engine: EngineName, cause: FailureCause): string {
  const what: Record<FailureCause, string> = {
    checkout: `the ${engine} job could not check out Task Assistant, so ${engine} never started`,
    token: `${engine} could not get a token from the token broker, so it did not run`,
    cancelled: `the run was cancelled before ${engine} recorded its outcome`,
    timeout: `the ${engine} job ran out of its timeout-minutes before ${engine} recorded its outcome`,
    crashed: `${engine} stopped before it recorded its outcome`,
  };
  return `${what[cause]} [${cause}]`;
}
