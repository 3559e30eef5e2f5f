import type { Clock } from "../util/clock.js";

/**
 * A clock the admin API can move: it follows a base clock (the system clock, or a fixed one in tests)
 * shifted by an offset, so `set` and `advance` change what every timestamp and rate-limit window
 * of the local GitHub sees without stopping time from flowing.
 */
export interface SettableClock extends Clock {
  /** From now on, `now()` answers `at` plus the time that passes on the base clock. */
  set(at: Date): void;
  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void;
}

/** Wraps `base` (default: the system clock) in a clock that can be set and advanced. */
export function createSettableClock(base: Clock = { now: () => new Date() }): SettableClock {
  let offsetMs = 0;
  return {
    now: () => new Date(base.now().getTime() + offsetMs),
    set(at) {
      offsetMs = at.getTime() - base.now().getTime();
    },
    advance(ms) {
      offsetMs += ms;
    },
  };
}
