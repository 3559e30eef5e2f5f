import type { Problem } from "../errors.js";
import type { RecordEntry } from "./classify-record-file.js";
import { parseRecordPath } from "./record-path.js";

export interface RecordsReport {
  /** Files that look like record files (valid or not). */
  record_files: number;
  valid_records: number;
  /** Unexpected files and directories. */
  unexpected: number;
  /** Every problem, each naming its file. */
  problems: Problem[];
}

/**
 * Validates a telemetry tree from any reader (`readRecordsFromDir`, `readRecordsFromApi`): each
 * record file against envelope v1 and its location, every unexpected entry, and that the records of
 * one run (correlation id) are in one date directory. Streaming; only
 * the problems are kept. `onProblem` sees each problem as it is found.
 *
 * @example const report = await validateRecords(readRecordsFromDir(checkout)); report.problems.length === 0
 */
export async function validateRecords(
  entries: AsyncIterable<RecordEntry>,
  onProblem?: (problem: Problem) => void,
): Promise<RecordsReport> {
  const report: RecordsReport = { record_files: 0, valid_records: 0, unexpected: 0, problems: [] };
  // `<owner>-<repo>/<correlation_id>` → the one date directory its run is in.
  const runDates = new Map<string, string>();
  for await (const entry of entries) {
    if (entry.kind === "unexpected") report.unexpected += 1;
    else report.record_files += 1;
    let problems = entry.kind === "record" ? [] : entry.problems;
    if (entry.kind === "record") {
      const parsed = parseRecordPath(entry.path);
      const key = parsed === undefined ? undefined : `${parsed.owner_repo}/${parsed.correlation_id}`;
      const first = key === undefined ? undefined : runDates.get(key);
      if (key !== undefined && parsed !== undefined && first === undefined) runDates.set(key, parsed.date);
      if (first === undefined || first === parsed?.date) {
        report.valid_records += 1;
        continue;
      }
      problems = [
        {
          path: "/correlation_id",
          file: entry.path,
          message: `run ${entry.record.correlation_id} is also under ${first}: all records of one run belong in one date directory`,
          hint: "the run's date is its preflight record's; this record was written by a writer that ignored it",
        },
      ];
    }
    for (const problem of problems) {
      report.problems.push(problem);
      onProblem?.(problem);
    }
  }
  return report;
}
