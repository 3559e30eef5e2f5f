/**
 * How emit-engine reacts to a failed write (DESIGN §5.7, github-limits §4.1, §4.4). Pure: the time
 * and the random source are passed in.
 */

export interface RetryPolicy {
  /**
   * Writes that may end in a conflict or an outage (409, 502/503/504, no answer) before giving up,
   * the first one included. Unbounded by default: contention on one branch is the normal case for
   * an org's writers, so the deadline is what bounds a write, not a count of collisions.
   */
  maxAttempts: number;
  /** Total time budget from the first attempt; no wait may end after it. */
  deadlineMs: number;
  /** Backoff cap of the first retry; doubles per retry up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Ten minutes: long enough for a busy org's writers to take turns on one branch. */
export const DEFAULT_DEADLINE_MS = 600_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  deadlineMs: DEFAULT_DEADLINE_MS,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};

/** What a failed write tells us, independent of the HTTP client. */
export interface WriteFailure {
  /** HTTP status; undefined when no response arrived (connection reset, DNS, ...). */
  status?: number;
  headers?: Readonly<Record<string, string | number | undefined>>;
  /** GitHub's message, which tells a moved head apart from a branch rule on a 409. */
  message?: string;
}

export type FailureVerdict =
  /** Another commit moved the branch (409) or the server hiccuped (502/503/504, no response). */
  | { kind: "retry"; cause: "conflict" | "unavailable" }
  /** GitHub said how long to wait (403/429 with retry-after or an exhausted primary limit). */
  | { kind: "wait"; waitMs: number }
  /** 422 without sha: a file is already there; read it before deciding. */
  | { kind: "exists" }
  /** Retrying would fail the same way; `reason` says why when it is worth telling. */
  | { kind: "fatal"; reason?: string };

/**
 * GitHub's 409 answers for a write that a branch rule refuses (classic protection, a ruleset, a
 * locked branch). Unlike a moved head they are permanent, so retrying only delays the error.
 */
const BRANCH_RULE_REFUSAL =
  /must be made through a pull request|protected branch|repository rule violations|branch is (?:locked|read-only)/i;

/** GitHub's words for a secondary rate limit, which a 403 may carry without a `retry-after`. */
const SECONDARY_LIMIT = /secondary rate limit/i;

/**
 * Classifies one failed write. 409 and 502/503/504 are safe to retry because a retry either lands
 * the same bytes or meets them (422) and compares; 403/429 wait as the server says; everything else
 * (401, 404, other 4xx, 500) would fail the same way again.
 */
export function classifyWriteFailure(failure: WriteFailure, nowMs: number): FailureVerdict {
  const { status } = failure;
  if (status === undefined) return { kind: "retry", cause: "unavailable" };
  if (status === 409 && failure.message !== undefined && BRANCH_RULE_REFUSAL.test(failure.message)) {
    return { kind: "fatal", reason: "the branch refuses direct commits" };
  }
  if (status === 409) return { kind: "retry", cause: "conflict" };
  if (status === 502 || status === 503 || status === 504) return { kind: "retry", cause: "unavailable" };
  if (status === 422) return { kind: "exists" };
  if (status === 403 || status === 429) {
    const waitMs = rateLimitWaitMs(failure.headers ?? {}, nowMs);
    if (waitMs !== undefined) return { kind: "wait", waitMs };
    // GitHub's advice for a secondary limit that names no time: wait at least a minute.
    if (status === 429 || (failure.message !== undefined && SECONDARY_LIMIT.test(failure.message))) {
      return { kind: "wait", waitMs: 60_000 };
    }
  }
  return { kind: "fatal" };
}

/**
 * How long GitHub asked us to wait: `retry-after` (seconds or an HTTP date) for secondary limits,
 * else `x-ratelimit-reset` (epoch seconds) when `x-ratelimit-remaining` is 0. Undefined when neither.
 */
export function rateLimitWaitMs(
  headers: Readonly<Record<string, string | number | undefined>>,
  nowMs: number,
): number | undefined {
  const retryAfter = header(headers, "retry-after");
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - nowMs);
  }
  const remaining = header(headers, "x-ratelimit-remaining");
  const reset = Number(header(headers, "x-ratelimit-reset"));
  if (remaining === "0" && Number.isFinite(reset) && reset > 0) {
    // One second more, so we wake after the window has really reset.
    return Math.max(0, reset * 1000 - nowMs) + 1000;
  }
  return undefined;
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(cap, unit · 2^(retry-1))), where
 * the unit is the larger of `baseDelayMs` and how long the failed write took. The jitter spreads
 * writers that collided so they do not collide again in lockstep; scaling by the observed latency
 * keeps the spread wide enough for a slow server, where a few fixed milliseconds would make every
 * retry collide again.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  observedLatencyMs = 0,
): number {
  const unit = Math.max(policy.baseDelayMs, observedLatencyMs);
  const ceiling = Math.min(policy.maxDelayMs, unit * 2 ** Math.max(0, retry - 1));
  return Math.floor(Math.min(Math.max(random(), 0), 0.999999) * ceiling);
}

function header(headers: Readonly<Record<string, string | number | undefined>>, name: string) {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return String(value).trim();
  }
  return undefined;
}
