import { createHash } from "node:crypto";
import { isMap, isScalar, isSeq, type Document } from "yaml";

/** Minutes of the day a host's scheduled run may start at: every minute except each hour's first. */
const SLOTS_PER_HOUR = 59;
const SLOTS = 24 * SLOTS_PER_HOUR;

/** A daily cron line `M H * * *` (the shape the host template carries). */
const DAILY_CRON = /^\s*(\d{1,2})\s+(\d{1,2})\s+\*\s+\*\s+\*\s*$/;

export interface ScheduleSlot {
  readonly minute: number;
  readonly hour: number;
}

/**
 * The time of day a repository's daily scheduled run starts, derived from its full name alone
 * (SHA-256 of the lower-cased `owner/repo`, so renaming the case changes nothing): the same
 * repository always gets the same slot, and 2,000 hosts spread over the day's 1,416 slots instead of
 * all starting at 03:17. Minute 0 is never used: GitHub's own load peaks at the top of each hour.
 *
 * @example scheduleSlot("acme/widgets") // { minute: 1..59, hour: 0..23 }, always the same
 */
export function scheduleSlot(fullName: string): ScheduleSlot {
  const digest = createHash("sha256").update(fullName.toLowerCase(), "utf8").digest();
  const slot = digest.readUInt32BE(0) % SLOTS;
  return { minute: 1 + (slot % SLOTS_PER_HOUR), hour: Math.floor(slot / SLOTS_PER_HOUR) };
}

/**
 * Rewrites every daily `cron:` under `on.schedule` of a workflow document to the repository's slot.
 * Returns how many lines it rewrote (0: the workflow has no daily schedule). Other schedules (weekly,
 * several hours) are left as their author wrote them.
 */
export function spreadSchedule(doc: Document, fullName: string): number {
  const on = doc.get("on", true);
  if (!isMap(on)) return 0;
  const schedule = on.get("schedule", true);
  if (!isSeq(schedule)) return 0;
  const { minute, hour } = scheduleSlot(fullName);
  let rewritten = 0;
  for (const entry of schedule.items) {
    if (!isMap(entry)) continue;
    const cron = entry.get("cron", true);
    if (!isScalar(cron) || typeof cron.value !== "string" || !DAILY_CRON.test(cron.value)) continue;
    cron.value = `${minute} ${hour} * * *`;
    rewritten += 1;
  }
  return rewritten;
}
