import { isMap, isScalar, type Document } from "yaml";

/** A GitHub App's slug: lower-case letters, digits and hyphens, as GitHub derives it from the name. */
const APP_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62})$/;

/** Whether `slug` can be an App's slug (and is safe to write into a workflow's `if:`). */
export function isAppSlug(slug: string): boolean {
  return APP_SLUG_PATTERN.test(slug);
}

import { botLogin } from "../enforcement/circuit-breaker.js";

export { botLogin };

/** A quoted `'<something>[bot]'` literal in a job's `if:`: the loop guard's sender comparison. */
const BOT_LITERAL = /'[a-z0-9][a-z0-9-]*\[bot\]'/g;

/**
 * Points a workflow's loop guard at the App `slug`: every `'<name>[bot]'` literal in a job's `if:`
 * becomes `'<slug>[bot]'`, and a job passing `with: app_slug:` passes `slug`. Returns how many `if:`
 * conditions it rewrote; 0 means the workflow has no loop guard to configure.
 */
export function setLoopGuard(doc: Document, slug: string): number {
  const jobs = doc.get("jobs", true);
  if (!isMap(jobs)) return 0;
  let guards = 0;
  for (const pair of jobs.items) {
    const job = pair.value;
    if (!isMap(job)) continue;
    const condition = job.get("if", true);
    if (isScalar(condition) && typeof condition.value === "string" && condition.value.match(BOT_LITERAL)) {
      condition.value = condition.value.replace(BOT_LITERAL, `'${botLogin(slug)}'`);
      guards += 1;
    }
    const withs = job.get("with", true);
    if (isMap(withs) && withs.has("app_slug")) withs.set("app_slug", slug);
  }
  return guards;
}
