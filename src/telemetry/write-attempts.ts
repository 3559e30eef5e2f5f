import { ExternalError } from "../errors.js";
import { abortableSleep } from "../util/abortable-sleep.js";
import {
  backoffDelayMs,
  classifyWriteFailure,
  DEFAULT_RETRY_POLICY,
  type FailureVerdict,
  type RetryPolicy,
  type WriteFailure,
} from "./retry-policy.js";

/** How a write waits and gives up; every knob injectable so tests never really sleep. */
export interface EmitOptions extends Partial<RetryPolicy> {
  /** Waits `ms`; injected so tests never really sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injected so tests pin the jitter. */
  random?: () => number;
  /** Current time in epoch milliseconds; drives the deadline and `x-ratelimit-reset`. */
  now?: () => number;
  /** Told about every failed attempt that will be retried (for logs). */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Aborts the write: requests in flight and waits (backoffs, rate-limit waits) end at once with
   * the signal's reason, and no further attempt starts. What GitHub already stored stays stored.
   */
  signal?: AbortSignal;
}

export interface RetryEvent {
  attempt: number;
  status: number | undefined;
  waitMs: number;
  cause: "conflict" | "unavailable" | "rate-limited";
  /** Time left before the deadline once this wait is over. */
  remainingMs: number;
}

const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** A failed HTTP exchange, as the writers see it. */
export interface HttpFailure extends WriteFailure {
  error: unknown;
}

/**
 * The retry budget of one write (or one batch): counts attempts, draws jittered waits, honours
 * rate-limit waits, and decides when to give up. Conflicts and outages spend the attempt budget; a
 * rate limit is GitHub saying when to come back, so it only spends time (the deadline), never
 * less than a second per wait.
 */
export class WriteAttempts {
  readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  readonly now: () => number;
  private readonly deadline: number;
  private retries = 0;
  /** Attempts made so far (requests that could have stored the record). */
  attempt = 0;

  constructor(private readonly options: EmitOptions) {
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      deadlineMs: options.deadlineMs ?? DEFAULT_RETRY_POLICY.deadlineMs,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal));
    this.sleep = async (ms) => {
      await sleep(ms);
      options.signal?.throwIfAborted();
    };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.deadline = this.now() + this.policy.deadlineMs;
  }

  /** Per-request options: no Octokit retries (every retry is counted here), and the abort signal. */
  get request(): { retries: 0; signal?: AbortSignal } {
    return this.options.signal === undefined ? { retries: 0 } : { retries: 0, signal: this.options.signal };
  }

  /** Starts an attempt; returns its start time for the latency-scaled backoff. */
  begin(): number {
    this.options.signal?.throwIfAborted();
    this.attempt += 1;
    return this.now();
  }

  verdict(failure: HttpFailure): FailureVerdict {
    // An aborted request is not a failure of GitHub's: stop instead of retrying.
    this.options.signal?.throwIfAborted();
    return classifyWriteFailure({ ...failure, message: messageOf(failure.error) }, this.now());
  }

  /**
   * Waits before the next attempt after a retryable failure, or throws the `ExternalError` made by
   * `giveUp` when the attempt budget or the deadline is spent.
   */
  async waitAfter(
    failure: HttpFailure,
    verdict: FailureVerdict & { kind: "retry" | "wait" },
    startedAt: number,
    giveUp: (why: string) => ExternalError,
  ): Promise<void> {
    let waitMs: number;
    if (verdict.kind === "wait") {
      waitMs = Math.max(verdict.waitMs, MIN_RATE_LIMIT_WAIT_MS);
    } else {
      this.retries += 1;
      if (this.retries >= this.policy.maxAttempts) throw giveUp("attempts exhausted");
      // The ceiling doubles with every collision this write has met (the contention it observed),
      // up to the cap, and is drawn from in full: writers that collided spread apart.
      waitMs = backoffDelayMs(this.retries, this.policy, this.random, this.now() - startedAt);
    }
    if (this.now() + waitMs > this.deadline) {
      throw giveUp(`the next try would pass the ${formatDuration(this.policy.deadlineMs)} deadline`);
    }
    this.options.onRetry?.({
      attempt: this.attempt,
      status: failure.status,
      waitMs,
      cause: verdict.kind === "wait" ? "rate-limited" : verdict.cause,
      remainingMs: this.deadline - this.now() - waitMs,
    });
    await this.sleep(waitMs);
  }
}

interface HttpErrorLike {
  name: "HttpError";
  status: number;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** Octokit's RequestError (name `HttpError`), recognised by shape rather than by importing it. */
export function isHttpError(error: unknown): error is HttpErrorLike {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

/**
 * The failure behind an error, or a rethrow when it is not an HTTP failure (a bug surfaces as it
 * is). A network failure has no response and so no status.
 */
export function httpFailure(error: unknown): HttpFailure {
  if (!isHttpError(error)) throw error;
  if (error.response === undefined) return { status: undefined, headers: {}, error };
  return { status: error.status, headers: error.response.headers ?? {}, error };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error a write ends with when GitHub would not take it. */
export function writeFailed(
  target: string,
  failure: HttpFailure,
  attempts: number,
  why?: string,
  hint = "emitting again is safe: an identical stored record counts as success, and nothing is overwritten",
): ExternalError {
  const what = failure.status === undefined ? "no answer" : `HTTP ${failure.status}`;
  return new ExternalError(
    `telemetry write to ${target} failed after ${attempts} attempt${attempts === 1 ? "" : "s"} (${what}${why ? `; ${why}` : ""}): ${messageOf(failure.error)}`,
    { status: failure.status, hint, cause: failure.error },
  );
}

/**
 * Durations as people read them: `250` → `250 ms`, `1530` → `1.5 s`, `90000` → `1 min 30 s`,
 * `600000` → `10 min`. Pure.
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole < 1_000) return `${whole} ms`;
  if (whole < 60_000) return `${Number((whole / 1_000).toFixed(1))} s`;
  let minutes = Math.floor(whole / 60_000);
  let seconds = Math.round((whole % 60_000) / 1_000);
  if (seconds === 60) [minutes, seconds] = [minutes + 1, 0];
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}
