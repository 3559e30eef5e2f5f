import type { ReconcileReport } from "./reconcile-issues.js";

/** Most changed issues the printed plan lists one by one. */
const LISTED = 20;

/** One line: what the run considered, changed (or would change) and wrote. Pure. */
export function reconcileSummary(report: ReconcileReport, dryRun: boolean): string {
  const verb = dryRun ? "would change" : "changed";
  const writes = dryRun ? "writes planned" : "writes";
  const where =
    report.state.stopped.reason === "budget"
      ? `; stopped at the write budget, resumes on page ${report.state.stopped.next_page ?? 1}${
          report.state.stopped.after_issue === undefined ? "" : ` after #${report.state.stopped.after_issue}`
        }`
      : "";
  return `${dryRun ? "Dry run: " : ""}${report.considered} open issue${report.considered === 1 ? "" : "s"} considered, ${report.changed} ${verb}, ${report.writes.total} ${writes}${where}`;
}

/**
 * The plan as a person reads it (the CLI prints it, the job summary shows it): counts, the issues per
 * rule, the writes, and the first changed issues before → after. Pure.
 */
export function reconcileLines(report: ReconcileReport, dryRun: boolean): string[] {
  const lines = [
    `Issues considered: ${report.considered}`,
    `Issues that ${dryRun ? "would change" : "changed"}: ${report.changed}`,
  ];
  for (const [rule, count] of Object.entries(report.by_rule).sort()) lines.push(`  ${rule}: ${count}`);
  for (const [check, count] of Object.entries(report.warnings).sort())
    lines.push(`  warning ${check}: ${count}`);
  lines.push(
    `Writes${dryRun ? " planned" : ""}: ${report.writes.total} (${report.writes.labels_removed} label removal${report.writes.labels_removed === 1 ? "" : "s"}, ${report.writes.milestones_set} milestone change${report.writes.milestones_set === 1 ? "" : "s"})`,
  );
  for (const change of report.changes.slice(0, LISTED)) {
    const face = (f: { labels: string[]; milestone: string | null }) =>
      `[${f.labels.join(", ")}]${f.milestone === null ? "" : ` · ${f.milestone}`}`;
    lines.push(
      `  #${change.number}: ${face(change.before)} → ${face(change.after)} (${change.rules.join(", ")})`,
    );
  }
  if (report.changed > LISTED) lines.push(`  … and ${report.changed - LISTED} more`);
  return lines;
}
