/**
 * What a reconcile record carries for the next run (`details.reconcile`), and how the next run reads
 * it back. The resume point and the listing's ETags live in reconcile's own telemetry record, never
 * in a cache: a record that cannot be read, or reads as something else, means a fresh start.
 */

/** One listing page as the last run left it: settled (nothing to write, nothing to report). */
export interface SettledPage {
  page: number;
  etag: string;
  /** Entries on the page (pull requests included); fewer than a full page means it was the last. */
  entries: number;
}

export type StopReason = "complete" | "budget";

export interface ReconcileStop {
  reason: StopReason;
  /** Set when the run stopped at its budget: the next run starts on this page ... */
  next_page?: number;
  /** ... after this issue (every issue up to it has been handled). */
  after_issue?: number;
}

export interface ReconcileState {
  /** The config blob the pages were settled under; other rules mean the ETags say nothing. */
  config_sha: string;
  stopped: ReconcileStop;
  pages: SettledPage[];
}

/** Most settled pages a record keeps (100,000 open issues). */
export const SETTLED_PAGES_CAP = 1_000;

/**
 * The state a record's `details` carries, or undefined when it carries none that is well formed (a
 * dry run's, a failed run's, or a record of another shape). Pure.
 */
export function stateOfRecord(details: unknown): ReconcileState | undefined {
  const object = asObject(details);
  if (object === undefined || object.dry_run === true) return undefined;
  const state = asObject(object.reconcile);
  const stopped = asObject(state?.stopped);
  if (state === undefined || stopped === undefined || typeof state.config_sha !== "string") return undefined;
  if (stopped.reason !== "complete" && stopped.reason !== "budget") return undefined;
  const reason: StopReason = stopped.reason;
  const nextPage = positiveInteger(stopped.next_page);
  const afterIssue = positiveInteger(stopped.after_issue);
  if (reason === "budget" && nextPage === undefined) return undefined;
  const pages = Array.isArray(state.pages)
    ? state.pages.flatMap((entry): SettledPage[] => {
        const page = asObject(entry);
        const number = positiveInteger(page?.page);
        const entries = page?.entries;
        return number !== undefined &&
          typeof page?.etag === "string" &&
          typeof entries === "number" &&
          Number.isInteger(entries) &&
          entries >= 0
          ? [{ page: number, etag: page.etag, entries }]
          : [];
      })
    : [];
  return {
    config_sha: state.config_sha,
    stopped: {
      reason,
      ...(nextPage === undefined ? {} : { next_page: nextPage }),
      ...(afterIssue === undefined ? {} : { after_issue: afterIssue }),
    },
    pages: pages.slice(0, SETTLED_PAGES_CAP),
  };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
