import { reconcileLines } from "../../enforcement/reconcile-lines.js";
import type { ReconcileReport } from "../../enforcement/reconcile-issues.js";

/**
 * The reconcile preview as a person reads it in the job summary: a heading that says it is a dry
 * run of the proposed config, reconcile's own plan lines, and, when the read cap was hit, that the
 * counts cover only the first issues. Pure.
 *
 * @example previewLines(report, { page_limit: 5, page_size: 100 })[0]
 *   // "Reconcile preview with this config (dry run: nothing was written):"
 */
export function previewLines(
  report: ReconcileReport,
  cap: { page_limit: number; page_size: number },
): string[] {
  const lines = [
    "Reconcile preview with this config (dry run: nothing was written):",
    ...reconcileLines(report, true).map((line) => `  ${line}`),
  ];
  if (report.page_limit_hit) {
    lines.push(
      `  Read cap reached: only the first ${cap.page_limit * cap.page_size} open issues (${cap.page_limit} listing page${cap.page_limit === 1 ? "" : "s"}) were previewed; the repository has more, so the counts are a lower bound.`,
    );
  }
  return lines;
}

/** The preview's counts for the record's details. Pure. */
export function previewDetails(report: ReconcileReport) {
  return {
    considered: report.considered,
    would_change: report.changed,
    writes: report.writes,
    by_rule: report.by_rule,
    warnings: report.warnings,
    pages_read: report.requests.pages,
    read_cap_hit: report.page_limit_hit,
  };
}
