import type { RepoMilestone } from "../config/read-repo-inventory.js";
import type { HostConfig } from "../config/config-model.js";
import type { Check } from "../runtime/engine.js";
import { InternalError } from "../errors.js";
import { httpStatusOf } from "../config/load-host-config.js";
import { bindMilestone, type EnforcementPlan, type IssueSnapshot } from "./enforcement-plan.js";
import { CHANGES_CAP, issueChangeOf, type IssueChange } from "./issue-change.js";
import { planEnforcement } from "./plan-enforcement.js";
import type { GitHub } from "../github/octokit.js";
import { PAGE_SIZE, type IssuePage } from "./list-issue-page.js";
import type { ReconcileState, SettledPage } from "./reconcile-state.js";
import { createWritePacer, DEFAULT_PACE, type PaceLimits } from "./write-pacer.js";

/** Writes one run may make before it stops and leaves the rest to the next run. */
export const DEFAULT_WRITE_BUDGET = 400;

/** The I/O reconcile needs, injected so tests and benchmarks run it on a simulated clock. */
export interface ReconcileIO {
  listPage(page: number, etag?: string): Promise<IssuePage>;
  /** The issue's `labeled` event names, oldest first (strategy `latest` without a fallback). */
  labelEvents(issueNumber: number): Promise<string[]>;
  milestones(): Promise<RepoMilestone[]>;
  /** `DELETE .../issues/{n}/labels/{name}`; a label already gone is not an error. */
  removeLabel(issueNumber: number, name: string): Promise<void>;
  /** `PATCH .../issues/{n}` carrying only the milestone. */
  setMilestone(issueNumber: number, milestone: number): Promise<void>;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

export interface ReconcileOptions {
  config: HostConfig;
  config_sha: string;
  previous?: ReconcileState;
  dry_run: boolean;
  write_budget: number;
  pace?: PaceLimits;
  /** Issues per listing page, as `listPage` asks for them. */
  page_size?: number;
  /**
   * Most listing pages the run reads (re-reads included); absent: no limit. A run that reaches it
   * stops there and says so in `page_limit_hit` (the validate engine's preview bounds its reads so).
   */
  page_limit?: number;
}

/** Counts and lists a run reports; `by_rule` counts issues per action id and per warning check id. */
export interface ReconcileReport {
  considered: number;
  changed: number;
  writes: { total: number; labels_removed: number; milestones_set: number };
  by_rule: Record<string, number>;
  warnings: Record<string, number>;
  failures: Check[];
  changes: IssueChange[];
  requests: { pages: number; pages_not_modified: number; pages_reread: number; label_events: number };
  /** Write start times (ms), for the pacing report. */
  write_times: number[];
  state: ReconcileState;
  /** True when the run stopped at `page_limit` with more pages left unread. */
  page_limit_hit: boolean;
}

/**
 * Enforces every open issue, page by page, oldest first. Pure decisions (`planEnforcement`) over
 * injected I/O: writes are paced (`createWritePacer`) and counted against `write_budget`; when the
 * next issue's writes would exceed it, the run stops and its state names where the next run
 * resumes. A page that comes back unchanged (304) against the ETag of a page the last run settled is
 * skipped whole. A page this run wrote to is read again to learn its new ETag, kept only if every
 * issue on it is now settled, so a page is never skipped while it still needs work.
 */
export async function reconcileIssues(io: ReconcileIO, options: ReconcileOptions): Promise<ReconcileReport> {
  const { config, previous, dry_run: dryRun } = options;
  const pacer = createWritePacer(options.pace ?? DEFAULT_PACE);
  const pageSize = options.page_size ?? PAGE_SIZE;
  const report: ReconcileReport = {
    considered: 0,
    changed: 0,
    writes: { total: 0, labels_removed: 0, milestones_set: 0 },
    by_rule: {},
    warnings: {},
    failures: [],
    changes: [],
    requests: { pages: 0, pages_not_modified: 0, pages_reread: 0, label_events: 0 },
    write_times: [],
    state: { config_sha: options.config_sha, stopped: { reason: "complete" }, pages: [] },
    page_limit_hit: false,
  };
  const known = new Map<number, SettledPage>(
    previous !== undefined && previous.config_sha === options.config_sha
      ? previous.pages.map((page) => [page.page, page])
      : [],
  );
  const settled = new Map<number, SettledPage>(known);
  let milestones: RepoMilestone[] | undefined;
  const resume = previous?.stopped.reason === "budget" ? previous.stopped : undefined;
  let page = resume?.next_page ?? 1;
  const after = resume?.after_issue ?? 0;
  /** The highest issue number handled so far: the next run resumes after it. */
  let lastDone = after;
  /** Resuming: issues closed meanwhile move later ones to earlier pages, so look back until a page starts at or before `after`. */
  let locating = after > 0 && page > 1;

  const plan = async (issue: IssueSnapshot, record: boolean): Promise<EnforcementPlan> => {
    let planned = planEnforcement(config, issue);
    if (planned.needsLabelEvents === true) {
      report.requests.label_events += 1;
      planned = planEnforcement(config, issue, { labelEvents: await io.labelEvents(issue.number) });
    }
    if (planned.write?.milestone !== undefined) {
      milestones ??= await io.milestones();
      planned = bindMilestone(planned, milestones);
    }
    if (record) tally(report, planned);
    return planned;
  };

  pages: for (;;) {
    const remembered = locating ? undefined : known.get(page);
    report.requests.pages += 1;
    const listed = await io.listPage(page, remembered?.etag);
    if (listed.status === "not-modified") {
      report.requests.pages_not_modified += 1;
      if (remembered === undefined || remembered.entries < pageSize) break;
      if (options.page_limit !== undefined && report.requests.pages >= options.page_limit) {
        report.page_limit_hit = true;
        break;
      }
      page += 1;
      continue;
    }
    settled.delete(page);
    const first = listed.issues[0];
    if (locating && page > 1 && first !== undefined && first.number > after) {
      page -= 1;
      continue;
    }
    locating = false;
    let wrotePage = false;
    let pageSettled = true;
    for (const issue of listed.issues) {
      if (issue.number <= after) continue;
      const planned = await plan(issue, true);
      if (!isSettled(planned)) pageSettled = false;
      const write = planned.write;
      if (write !== undefined) {
        const cost = write.remove.length + (write.milestone === undefined ? 0 : 1);
        // The first issue always goes through, so a run makes progress whatever its budget.
        const overBudget = report.writes.total > 0 && report.writes.total + cost > options.write_budget;
        if (!dryRun && overBudget) {
          untally(report, planned);
          report.state.stopped = {
            reason: "budget",
            next_page: page,
            ...(lastDone === 0 ? {} : { after_issue: lastDone }),
          };
          break pages;
        }
        if (!dryRun) {
          await pacedWrites(io, pacer, report, planned);
          wrotePage = true;
        }
        countWrite(report, planned);
      }
      report.considered += 1;
      lastDone = Math.max(lastDone, issue.number);
    }
    const etag = await settledEtag(io, plan, report, page, listed, wrotePage, pageSettled, after);
    if (etag !== undefined && !dryRun) settled.set(page, { page, etag, entries: listed.entries });
    if (listed.entries < pageSize) break;
    if (options.page_limit !== undefined && report.requests.pages >= options.page_limit) {
      report.page_limit_hit = true;
      break;
    }
    page += 1;
  }
  report.state.pages = [...settled.values()].sort((a, b) => a.page - b.page);
  return report;
}

/** The ETag to remember for a page, or undefined when the page is not settled (or was partly skipped). */
async function settledEtag(
  io: ReconcileIO,
  plan: (issue: IssueSnapshot, record: boolean) => Promise<EnforcementPlan>,
  report: ReconcileReport,
  page: number,
  listed: Extract<IssuePage, { status: "ok" }>,
  wrote: boolean,
  settled: boolean,
  after: number,
): Promise<string | undefined> {
  if (listed.issues.some((issue) => issue.number <= after)) return undefined;
  if (!wrote) return settled ? listed.etag : undefined;
  report.requests.pages += 1;
  report.requests.pages_reread += 1;
  const again = await io.listPage(page);
  if (again.status !== "ok" || again.entries !== listed.entries) return undefined;
  for (const issue of again.issues) {
    if (!isSettled(await plan(issue, false))) return undefined;
  }
  return again.etag;
}

/** Nothing to write and nothing to report: a page of such issues may be skipped while unchanged. */
function isSettled(plan: EnforcementPlan): boolean {
  return (
    plan.write === undefined &&
    plan.needsLabelEvents !== true &&
    plan.checks.every((check) => check.outcome === "PASS")
  );
}

/** One issue's writes, each started only when the pacer allows: label removals, then the milestone. */
async function pacedWrites(
  io: ReconcileIO,
  pacer: ReturnType<typeof createWritePacer>,
  report: ReconcileReport,
  plan: EnforcementPlan,
): Promise<void> {
  const write = plan.write!;
  const paced = async (send: () => Promise<void>) => {
    const wait = pacer.waitMs(io.nowMs());
    if (wait > 0) await io.sleep(wait);
    const at = io.nowMs();
    pacer.wrote(at);
    report.write_times.push(at);
    await send();
  };
  for (const name of write.remove) await paced(() => io.removeLabel(plan.issue.number, name));
  const milestone = write.milestone;
  if (milestone !== undefined) {
    if (milestone.number === undefined) {
      throw new InternalError(`the milestone "${milestone.title}" was planned but never looked up`);
    }
    const number = milestone.number;
    await paced(() => io.setMilestone(plan.issue.number, number));
  }
}

function countWrite(report: ReconcileReport, plan: EnforcementPlan): void {
  const write = plan.write!;
  const change = issueChangeOf(plan)!;
  report.changed += 1;
  report.writes.labels_removed += write.remove.length;
  report.writes.milestones_set += write.milestone === undefined ? 0 : 1;
  report.writes.total += write.remove.length + (write.milestone === undefined ? 0 : 1);
  if (report.changes.length < CHANGES_CAP) report.changes.push(change);
}

function tally(report: ReconcileReport, plan: EnforcementPlan, sign = 1): void {
  for (const rule of new Set(plan.actions.map((action) => action.id))) {
    report.by_rule[rule] = (report.by_rule[rule] ?? 0) + sign;
  }
  for (const check of plan.checks) {
    if (check.outcome === "WARN") report.warnings[check.id] = (report.warnings[check.id] ?? 0) + sign;
    if (check.outcome === "FAIL" && sign > 0 && report.failures.length < CHANGES_CAP) {
      report.failures.push({ ...check, details: { issue: plan.issue.number, ...asRecord(check.details) } });
    }
  }
}

function untally(report: ReconcileReport, plan: EnforcementPlan): void {
  tally(report, plan, -1);
  for (const [key, value] of Object.entries(report.by_rule)) if (value === 0) delete report.by_rule[key];
  for (const [key, value] of Object.entries(report.warnings)) if (value === 0) delete report.warnings[key];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { details: value };
}

/** The writes against GitHub, as enforce makes them (one DELETE per label, a milestone-only PATCH). */
export function githubWrites(
  github: GitHub,
  target: { owner: string; repo: string },
): Pick<ReconcileIO, "removeLabel" | "setMilestone"> {
  return {
    removeLabel: async (issueNumber, name) => {
      try {
        await github.rest.issues.removeLabel({ ...target, issue_number: issueNumber, name });
      } catch (error) {
        if (httpStatusOf(error) !== 404) throw error;
      }
    },
    setMilestone: async (issueNumber, milestone) => {
      await github.rest.issues.update({ ...target, issue_number: issueNumber, milestone });
    },
  };
}
