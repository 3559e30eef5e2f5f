/** The account an App's installation tokens act as: `<slug>[bot]`. */
export function botLogin(slug: string): string {
  return `${slug}[bot]`;
}

/** Who "we" are and how much back-and-forth with another bot an issue may see. */
export interface LoopGuard {
  /** The App's slug; its installation tokens act as `<slug>[bot]`. */
  readonly app_slug: string;
  /** Runs of ours that answered another bot, on one issue, before the breaker opens. */
  readonly max_runs: number;
  /** The window those runs are counted in. */
  readonly window_minutes: number;
}

/** One entry of an issue's events timeline, as the breaker needs it. */
export interface TimelineEvent {
  readonly event: string;
  readonly actor: string | undefined;
  readonly actor_is_bot: boolean;
  readonly created_at: string;
}

export type BreakerVerdict =
  | { readonly open: false; readonly rounds: number }
  | {
      readonly open: true;
      readonly rounds: number;
      readonly other_bots: readonly string[];
      readonly message: string;
    };

/** The timeline events enforce's own writes and another bot's answers consist of. */
const CHANGE_EVENTS = new Set(["labeled", "unlabeled", "milestoned", "demilestoned"]);

/**
 * The circuit breaker (pure). Its source of truth is the events timeline on GitHub: every
 * label or milestone change, by whom, when. A *round* is one run of ours (our bot's consecutive
 * changes) that followed a change by another bot. When the last `window_minutes` hold `max_runs`
 * rounds and the latest change since our last one is again another bot's, the breaker opens: this
 * run changes nothing and its record says so, which ends the ping-pong. People's changes never
 * count as another bot's; a person changing labels starts no round.
 *
 * @example evaluateCircuitBreaker(events, { app_slug: "task-assistant", max_runs: 5, window_minutes: 10 }, now)
 */
export function evaluateCircuitBreaker(
  events: readonly TimelineEvent[],
  guard: LoopGuard,
  now: Date,
): BreakerVerdict {
  const us = botLogin(guard.app_slug).toLowerCase();
  const since = now.getTime() - guard.window_minutes * 60_000;
  const recent = events
    .filter((event) => CHANGE_EVENTS.has(event.event) && Date.parse(event.created_at) >= since)
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  let rounds = 0;
  let answered = new Set<string>();
  let pending = new Set<string>();
  for (const event of recent) {
    const actor = event.actor ?? "";
    if (actor.toLowerCase() === us) {
      if (pending.size > 0) {
        rounds += 1;
        answered = new Set([...answered, ...pending]);
      }
      pending = new Set();
    } else if (event.actor_is_bot || actor.endsWith("[bot]")) {
      pending.add(actor);
    }
  }
  if (rounds < guard.max_runs || pending.size === 0) return { open: false, rounds };
  const others = [...new Set([...answered, ...pending])].sort();
  return {
    open: true,
    rounds,
    other_bots: others,
    message: `${botLogin(guard.app_slug)} already answered ${others.join(", ")} ${rounds} times on this issue in the last ${guard.window_minutes} minutes (limit ${guard.max_runs}); not changing it again until the bots agree`,
  };
}
