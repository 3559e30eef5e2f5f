import { formatCount } from "../../dashboard/format-count.js";
import type { BuildReport } from "../../dashboard/build-and-publish.js";

/** The human-readable account of one org's build, as `dashboard build` and `serve` print it. */
export function describeBuild(report: BuildReport): string {
  const { build } = report;
  const { index } = build.set;
  const lines = [
    `dashboards for ${index.owner} (${index.telemetry_repo} at ${report.telemetryCommit.slice(0, 12)}): ${index.status}`,
    build.mode === "incremental"
      ? `  incremental build: read ${count(build.filesRead)} new record file(s)`
      : `  full build: read ${count(build.filesRead)} record file(s)${build.fallback ? ` (rebuilt from scratch because ${build.fallback})` : ""}`,
  ];
  const width = Math.max(0, ...index.repos.map((row) => row.repository.length));
  for (const row of index.repos) {
    lines.push(
      `  ${row.repository.padEnd(width)}  ${row.status.padEnd(17)}  ${count(row.runs)} runs, ${count(row.records)} records, ${count(row.failure)} failed${row.invalid_records > 0 ? `, ${count(row.invalid_records)} invalid` : ""}${row.health.failing_engines.length > 0 ? `; last ${row.health.failing_engines.join(", ")} failed` : ""}`,
    );
  }
  for (const problem of index.problems.items.slice(0, 5))
    lines.push(`  outside any repository: ${problem.path}: ${problem.message}`);
  if (report.published) {
    lines.push(
      report.published.changed.length === 0
        ? "  nothing to publish: the dashboards are up to date"
        : `  published as commit ${report.published.commit.slice(0, 12)} (${report.published.changed.length} file(s) under telemetry/v1/dashboards/)`,
    );
  } else if (report.writtenTo) lines.push(`  written to ${report.writtenTo}`);
  else if (report.skipped === "unchanged") lines.push("  unchanged since the last build: nothing published");
  else if (report.skipped === "dry-run") lines.push("  dry run: nothing written");
  return `${lines.join("\n")}\n`;
}

function count(value: number): string {
  return formatCount(value);
}
