/**
 * How fast reconcile may write. GitHub allows at most 80 content-creating requests a minute and 500
 * an hour per installation, counting people's own edits in the web UI, and asks for at least a
 * second between mutating requests (`../shared/reference/github-limits.md` §4.2). Reconcile stays
 * well inside: one write a second at most, 60 in any minute, 450 in any hour, so the installation
 * keeps room for events and people.
 */
export interface PaceLimits {
  /** Least time between two writes. */
  minSpacingMs: number;
  perMinute: number;
  perHour: number;
}

export const DEFAULT_PACE: PaceLimits = { minSpacingMs: 1_000, perMinute: 60, perHour: 450 };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * The pacing decision, without I/O or a clock of its own: `waitMs(now)` is how long to wait before
 * the next write may start, `wrote(now)` remembers a write. Writes older than an hour are forgotten.
 *
 * @example const pacer = createWritePacer(); await sleep(pacer.waitMs(now)); write(); pacer.wrote(now)
 */
export function createWritePacer(limits: PaceLimits = DEFAULT_PACE): {
  waitMs(nowMs: number): number;
  wrote(nowMs: number): void;
} {
  const times: number[] = [];
  const forget = (nowMs: number) => {
    while (times.length > 0 && times[0] <= nowMs - HOUR_MS) times.shift();
  };
  return {
    waitMs(nowMs) {
      forget(nowMs);
      let until = nowMs;
      const last = times[times.length - 1];
      if (last !== undefined) until = Math.max(until, last + limits.minSpacingMs);
      const inMinute = times.filter((time) => time > nowMs - MINUTE_MS);
      if (inMinute.length >= limits.perMinute) {
        until = Math.max(until, inMinute[inMinute.length - limits.perMinute] + MINUTE_MS);
      }
      if (times.length >= limits.perHour) {
        until = Math.max(until, times[times.length - limits.perHour] + HOUR_MS);
      }
      return until - nowMs;
    },
    wrote(nowMs) {
      times.push(nowMs);
    },
  };
}

/**
 * The most writes any window of `windowMs` holds (a sliding window over the write times, sorted).
 * For reports and benchmarks: the figure to hold against GitHub's per-minute and per-hour limits.
 */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end] - times[start] >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
