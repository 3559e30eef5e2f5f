/** Calendar arithmetic on UTC `YYYY-MM-DD` strings (no clock, no time zone). */

const DAY_MS = 86_400_000;

/** The day `offset` days after `day` (negative goes back). */
export function addDays(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every day from `from` to `to` inclusive, in order. */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from, guard = 0; day <= to && guard < 100_000; day = addDays(day, 1), guard += 1)
    days.push(day);
  return days;
}
