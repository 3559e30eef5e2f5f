/**
 * The run-date rule (DESIGN §5.6, seed 003 §2.3 "the same telemetry directory"): every record of a
 * run lives under `<YYYY-MM-DD>/<correlation_id>/`, where the date is the **run's**: the UTC date of
 * the run's first record, preflight's. A record's own `generated_at` stays its own, so a record
 * written after midnight in a run that started the day before carries that day's time under the
 * previous day's directory. The date directory is therefore the UTC date of `generated_at` or the
 * day before it, never anything else. Pure.
 */
import { utcDateOf } from "./envelope.js";

/** The UTC day before `date` (`YYYY-MM-DD`). */
export function previousUtcDate(date: string): string {
  const day = new Date(`${date}T00:00:00.000Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/**
 * Whether `date` may be the run date of a record generated at `generatedAt` by `engineName`: its
 * own UTC date or the day before, and only its own for preflight, which starts the run.
 */
export function isRunDateOf(date: string, generatedAt: string, engineName?: string): boolean {
  const own = utcDateOf(generatedAt);
  return date === own || (engineName !== "preflight" && date === previousUtcDate(own));
}
