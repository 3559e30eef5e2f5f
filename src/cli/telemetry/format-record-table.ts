/** One row of `telemetry list`: what a reader needs to tell runs and failures apart. */
export interface RecordRow {
  path: string;
  generated_at: string;
  target_repo: string;
  correlation_id: string;
  engine_name: string;
  engine_ref: string;
  ok: boolean;
  reason: string | null;
}

/** The order engines run in (DESIGN §5.4): the tie-breaker for records of one run with one time. */
const RUN_ORDER = ["preflight", "validate", "materialize", "enforce", "self-test", "dashboard"];

/**
 * Orders rows for reading: runs stay where path order put them, and the records inside one run
 * (same target and correlation id) are in time order, ties in the order engines run, so preflight
 * comes first rather than in alphabetical place.
 */
export function orderRecordRows(rows: readonly RecordRow[]): RecordRow[] {
  const runOf = (row: RecordRow) => `${row.target_repo}\u0000${row.correlation_id}`;
  const firstIndex = new Map<string, number>();
  rows.forEach((row, index) => {
    if (!firstIndex.has(runOf(row))) firstIndex.set(runOf(row), index);
  });
  const rank = (name: string) => {
    const index = RUN_ORDER.indexOf(name);
    return index === -1 ? RUN_ORDER.length : index;
  };
  return [...rows].sort(
    (a, b) =>
      (firstIndex.get(runOf(a)) ?? 0) - (firstIndex.get(runOf(b)) ?? 0) ||
      a.generated_at.localeCompare(b.generated_at) ||
      rank(a.engine_name) - rank(b.engine_name) ||
      a.engine_name.localeCompare(b.engine_name),
  );
}

const COLUMNS = ["GENERATED_AT", "RESULT", "TARGET", "CORRELATION_ID", "ENGINE", "ENGINE_REF", "REASON"];

/**
 * `telemetry list` as a table: a header and aligned columns, one row per record.
 *
 * @example formatRecordTable([row]) // "GENERATED_AT              RESULT  TARGET ...\n2026-... ok ..."
 */
export function formatRecordTable(rows: readonly RecordRow[]): string {
  const cells = [
    COLUMNS,
    ...rows.map((row) => [
      row.generated_at,
      row.ok ? "ok" : "FAILED",
      row.target_repo,
      row.correlation_id,
      row.engine_name,
      row.engine_ref,
      row.ok ? "" : (row.reason ?? "").replace(/\s+/g, " "),
    ]),
  ];
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  return cells
    .map((line) =>
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column])))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
