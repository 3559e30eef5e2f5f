import type { GitHub } from "../github/octokit.js";
import type { TelemetryRecord } from "./envelope.js";
import { planEmit } from "./plan-emit.js";
import type { EmitOptions } from "./write-attempts.js";
import { enqueueWrite } from "./write-queue.js";
import type { EmitResult } from "./write-one.js";

export type { EmitOptions, RetryEvent } from "./write-attempts.js";
export type { EmitResult } from "./write-one.js";

/**
 * emit-engine (DESIGN §5.7): stores one telemetry record, immutably, in the org's telemetry
 * repository. Uncontended it makes exactly one request, a contents `PUT` without `sha` (which only
 * creates). A 409 or 502/503/504 is retried with exponential backoff and full jitter until
 * `deadlineMs` (ten minutes by default; contention is normal, so no small attempt count ends a
 * write); a 403/429 waits as GitHub says (within the deadline). A 422 means the file exists: its bytes are compared — identical is success (re-emits
 * are idempotent, and so is a retry after a write that landed but whose answer was lost),
 * different is `ImmutableRecordConflict` and the stored record stays as it is.
 *
 * Writes through one client to one telemetry repository are serial, as GitHub asks: records that
 * arrive while a write is in progress are stored together in one commit through the git data API
 * (same checks, same guarantees), so one process never conflicts with itself and bursts cost one
 * commit. The backoff handles other processes. A write's deadline starts when its turn comes.
 *
 * The record goes under its run's date directory: `run_date` when the caller knows it (the runner
 * passes preflight's day to every engine of the run; `findRunDate` finds it for a lone engine job),
 * else the UTC date of `generated_at`.
 *
 * Refusals (cross-org, same repository, invalid record or path, forbidden details) happen before
 * any request. Octokit's own retries are switched off for the writes so that every retry is counted
 * and bounded here.
 *
 * @example await emitRecord(github, { telemetry_repo: "acme/telemetry", record })
 */
export async function emitRecord(
  github: GitHub,
  input: { telemetry_repo: string; record: TelemetryRecord; run_date?: string },
  options: EmitOptions = {},
): Promise<EmitResult> {
  const plan = planEmit(input);
  return await enqueueWrite(github, plan, options);
}
