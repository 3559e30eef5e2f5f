import type { RunReport } from "../../runtime/execute-run.js";
import type { EngineOutcome } from "../../runtime/run-engine.js";

const SUMMARY_WIDTH = 90;

/** The record column: its path, marked when nothing was written, or why it could not be written. */
function recordCell(outcome: EngineOutcome, under?: string): string {
  if (outcome.record === "failed") return `(not written: ${outcome.record_error ?? "unknown"})`;
  const full = outcome.record_path ?? "";
  const path = under !== undefined && full.startsWith(`${under}/`) ? full.slice(under.length + 1) : full;
  return outcome.record === "not-written" ? `${path} (dry run)` : path;
}

/**
 * `text` on one line, at most `width` characters: cut at the last word boundary that keeps at least
 * half the width (a word is never cut in two unless it alone is that long), then "…".
 */
export function shorten(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= width) return line;
  const room = line.slice(0, width - 1);
  const space = room.lastIndexOf(" ");
  const cut = space >= width / 2 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:(–—-]+$/, "")}…`;
}

/** The directory every written record of a run shares (its correlation id's), if they share one. */
export function recordDirectory(outcomes: readonly EngineOutcome[]): string | undefined {
  const directories = new Set(
    outcomes
      .filter((outcome) => outcome.record !== "failed" && outcome.record_path !== undefined)
      .map((outcome) => outcome.record_path!.replace(/\/[^/]*$/, "")),
  );
  return directories.size === 1 ? [...directories][0] : undefined;
}

/**
 * Outcomes as an aligned plain-text table: engine, ok, summary, record path (relative to
 * `recordsUnder` when given, for a caller that names that directory once).
 */
export function outcomeTable(
  outcomes: readonly EngineOutcome[],
  options: { recordsUnder?: string } = {},
): string[] {
  const rows = outcomes.map((outcome) => [
    outcome.engine,
    outcome.ok ? "ok" : "FAIL",
    shorten(outcome.summary, SUMMARY_WIDTH),
    recordCell(outcome, options.recordsUnder),
  ]);
  const header = ["engine", "ok", "summary", "record"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Outcomes as markdown table rows (with the header), for job summaries. */
export function outcomeMarkdown(outcomes: readonly EngineOutcome[]): string[] {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    "| engine | ok | summary | record |",
    "| --- | --- | --- | --- |",
    ...outcomes.map(
      (outcome) =>
        `| ${outcome.engine} | ${outcome.ok ? "✅ ok" : "❌ failed"} | ${cell(outcome.summary)} | ${cell(recordCell(outcome))} |`,
    ),
  ];
}

/** The run as a plain-text table (engine, ok, summary, record path), with the reason when preflight failed. */
export function formatRunTable(report: RunReport): string {
  const { plan } = report;
  const lines = [
    `run ${plan.correlation_id} · ${plan.mode} · ${plan.target_repo} · engine_ref ${plan.engine_ref} (${plan.runtime_mode})${plan.dry_run ? " · dry run" : ""}`,
    ...(report.telemetry_repo === undefined ? [] : [`telemetry: ${report.telemetry_repo}`]),
    "",
    ...outcomeTable([report.preflight, ...report.engines]),
  ];
  if (report.halted) {
    lines.push(
      "",
      `preflight failed, no engine ran: ${report.preflight.reason ?? report.preflight.record_error ?? "see above"}`,
    );
  } else if (!report.ok) {
    const failed = report.engines
      .filter((outcome) => !outcome.ok || outcome.record === "failed")
      .map((o) => o.engine);
    lines.push("", `failed: ${failed.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The same run as markdown for the Actions job summary. */
export function formatRunMarkdown(report: RunReport): string {
  const { plan } = report;
  return [
    `### Task Assistant ${plan.mode} run \`${plan.correlation_id}\``,
    "",
    `Target \`${plan.target_repo}\` · engine_ref \`${plan.engine_ref}\` (${plan.runtime_mode})${report.telemetry_repo ? ` · telemetry \`${report.telemetry_repo}\`` : ""}`,
    "",
    ...outcomeMarkdown([report.preflight, ...report.engines]),
    ...(report.halted
      ? [
          "",
          `**Preflight failed; no engine ran.** ${report.preflight.reason ?? report.preflight.record_error ?? ""}`,
        ]
      : []),
    "",
  ].join("\n");
}

/** The run as JSON (what `--json` prints): plan, outcomes and the preflight checks. */
export function runReportJson(report: RunReport): unknown {
  return {
    ok: report.ok,
    halted: report.halted,
    plan: report.plan,
    telemetry_repo: report.telemetry_repo ?? null,
    preflight: report.preflight,
    engines: report.engines,
  };
}
