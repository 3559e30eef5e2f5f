import { ExternalError, ImmutableRecordConflict } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import type { TelemetryRecord } from "./envelope.js";
import { planEmit, type EmitPlan } from "./plan-emit.js";
import { takeTurn } from "./take-turn.js";
import {
  backoffDelayMs,
  classifyWriteFailure,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  type WriteFailure,
} from "./retry-policy.js";

const MIN_RATE_LIMIT_WAIT_MS = 1_000;

export interface EmitOptions extends Partial<RetryPolicy> {
  /** Waits `ms`; injected so tests never really sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected so tests pin the jitter. */
  random?: () => number;
  /** Current time in epoch milliseconds; drives the deadline and `x-ratelimit-reset`. */
  now?: () => number;
  /** Told about every failed attempt that will be retried (for logs). */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  attempt: number;
  status: number | undefined;
  waitMs: number;
  cause: "conflict" | "unavailable" | "rate-limited";
}

export interface EmitResult {
  path: string;
  /** `identical`: the same bytes were already stored (a re-emit, or an earlier attempt that landed). */
  outcome: "created" | "identical";
  /** Contents `PUT`s made. */
  attempts: number;
  /** The commit that added the record, when this call made it. */
  commit_sha?: string;
}

/**
 * emit-engine (DESIGN §5.7): stores one telemetry record, immutably, in the org's telemetry
 * repository. Uncontended it makes exactly one request, a contents `PUT` without `sha` (which only
 * creates). A 409 or 502/503/504 is retried with exponential backoff and full jitter, within
 * `maxAttempts` such failures and `deadlineMs`; a 403/429 waits as GitHub says (within the deadline). A 422 means the file exists: its
 * bytes are read and compared — identical is success (re-emits are idempotent, and so is a retry
 * after a write that landed but whose answer was lost), different is `ImmutableRecordConflict` and
 * the stored record stays as it is.
 *
 * Writes through one client to one telemetry repository take turns (GitHub asks for contents
 * writes to be serial), so concurrent emits in one process do not conflict with each other; the
 * backoff handles other processes. The deadline starts when a write's turn comes.
 *
 * Refusals (cross-org, same repository, invalid record or path, forbidden details) happen before
 * any request. Octokit's own retries are switched off for the write so that every retry is counted
 * and bounded here.
 *
 * @example await emitRecord(github, { telemetry_repo: "acme/telemetry", record })
 */
export async function emitRecord(
  github: GitHub,
  input: { telemetry_repo: string; record: TelemetryRecord },
  options: EmitOptions = {},
): Promise<EmitResult> {
  const plan = planEmit(input);
  // GitHub asks for contents writes to one repository to be made serially; writes from this client
  // take turns, so they never conflict with each other, and only other writers cause 409s.
  return takeTurn(github, `${plan.owner}/${plan.repo}`.toLowerCase(), () =>
    writePlanned(github, plan, options),
  );
}

async function writePlanned(github: GitHub, plan: EmitPlan, options: EmitOptions): Promise<EmitResult> {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    deadlineMs: options.deadlineMs ?? DEFAULT_RETRY_POLICY.deadlineMs,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
  };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const deadline = now() + policy.deadlineMs;

  let retries = 0;
  for (let attempt = 1; ; attempt += 1) {
    let failure: WriteFailure & { error: unknown };
    const sentAt = now();
    try {
      const response = await github.rest.repos.createOrUpdateFileContents({
        owner: plan.owner,
        repo: plan.repo,
        path: plan.path,
        message: plan.message,
        content: plan.content,
        request: { retries: 0 },
      });
      return { path: plan.path, outcome: "created", attempts: attempt, commit_sha: response.data.commit.sha };
    } catch (error) {
      // Only HTTP failures are retried; anything else is a bug and surfaces as it is.
      if (!isHttpError(error)) throw error;
      failure = { ...describeFailure(error), error };
    }

    const verdict = classifyWriteFailure(failure, now());
    if (verdict.kind === "exists") {
      await compareStored(github, plan, failure.error);
      return { path: plan.path, outcome: "identical", attempts: attempt };
    }
    if (verdict.kind === "fatal") throw writeFailed(plan, failure, attempt);

    // Conflicts and outages spend the attempt budget; a rate limit is GitHub saying when to come
    // back, so it only spends time (the deadline), never less than a second per wait.
    let waitMs: number;
    if (verdict.kind === "wait") {
      waitMs = Math.max(verdict.waitMs, MIN_RATE_LIMIT_WAIT_MS);
    } else {
      retries += 1;
      if (retries >= policy.maxAttempts) throw writeFailed(plan, failure, attempt, "attempts exhausted");
      waitMs = backoffDelayMs(retries, policy, random, now() - sentAt);
    }
    if (now() + waitMs > deadline) {
      throw writeFailed(
        plan,
        failure,
        attempt,
        `the next try would pass the ${policy.deadlineMs} ms deadline`,
      );
    }
    options.onRetry?.({
      attempt,
      status: failure.status,
      waitMs,
      cause: verdict.kind === "wait" ? "rate-limited" : verdict.cause,
    });
    await sleep(waitMs);
  }
}

/**
 * After a 422, reads what is stored at the path. Same bytes → the record is there (success);
 * different bytes → `ImmutableRecordConflict`; nothing there → the 422 was about something else.
 */
async function compareStored(github: GitHub, plan: EmitPlan, cause: unknown): Promise<void> {
  const stored = await readStoredText(github, plan);
  if (stored === undefined) {
    throw new ExternalError(`GitHub refused the telemetry write to ${plan.path} (422): ${messageOf(cause)}`, {
      status: 422,
      hint: "the record was not stored; check the telemetry repository's default branch and rules",
      cause,
    });
  }
  if (stored !== plan.text)
    throw new ImmutableRecordConflict(`${plan.owner}/${plan.repo}:${plan.path}`, { cause });
}

async function readStoredText(github: GitHub, plan: EmitPlan): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({ owner: plan.owner, repo: plan.repo, path: plan.path }));
  } catch (error) {
    if (isHttpError(error) && error.status === 404) return undefined;
    throw new ExternalError(`could not read the stored telemetry record ${plan.path}: ${messageOf(error)}`, {
      status: describeFailure(error).status,
      cause: error,
    });
  }
  const file = data as { type?: string; encoding?: string; content?: string; sha?: string; size?: number };
  if (file.type !== "file" || typeof file.sha !== "string") {
    throw new ImmutableRecordConflict(`${plan.owner}/${plan.repo}:${plan.path}`, {
      hint: `something other than a record file is stored at ${plan.path}; it was left untouched`,
    });
  }
  // The contents API leaves large files' content empty; the blob always has it.
  if (
    file.encoding === "base64" &&
    typeof file.content === "string" &&
    (file.content !== "" || file.size === 0)
  ) {
    return Buffer.from(file.content, "base64").toString("utf8");
  }
  const blob = await github.rest.git.getBlob({ owner: plan.owner, repo: plan.repo, file_sha: file.sha });
  return Buffer.from(blob.data.content, "base64").toString("utf8");
}

function writeFailed(
  plan: EmitPlan,
  failure: WriteFailure & { error: unknown },
  attempts: number,
  why?: string,
): ExternalError {
  const what = failure.status === undefined ? "no answer" : `HTTP ${failure.status}`;
  return new ExternalError(
    `telemetry write to ${plan.owner}/${plan.repo}:${plan.path} failed after ${attempts} attempt${attempts === 1 ? "" : "s"} (${what}${why ? `; ${why}` : ""}): ${messageOf(failure.error)}`,
    {
      status: failure.status,
      hint: "emitting again is safe: an identical stored record counts as success, and nothing is overwritten",
      cause: failure.error,
    },
  );
}

interface HttpErrorLike {
  name: "HttpError";
  status: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Octokit's RequestError (name `HttpError`), recognised by shape rather than by importing it. */
function isHttpError(error: unknown): error is HttpErrorLike {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/** Status and headers of an Octokit error; a network failure has no response and so no status. */
function describeFailure(error: unknown): WriteFailure {
  if (!isHttpError(error) || error.response === undefined) return { status: undefined, headers: {} };
  return { status: error.status, headers: error.response.headers ?? {} };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
