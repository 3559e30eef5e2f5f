import type { Problem } from "../errors.js";
import type { RecordEntry } from "./classify-record-file.js";

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
 * record file against envelope v1 and its location, and every unexpected entry. Streaming; only
 * the problems are kept. `onProblem` sees each problem as it is found.
 *
 * @example const report = await validateRecords(readRecordsFromDir(checkout)); report.problems.length === 0
 */
export async function validateRecords(
  entries: AsyncIterable<RecordEntry>,
  onProblem?: (problem: Problem) => void,
): Promise<RecordsReport> {
  const report: RecordsReport = { record_files: 0, valid_records: 0, unexpected: 0, problems: [] };
  for await (const entry of entries) {
    if (entry.kind === "unexpected") report.unexpected += 1;
    else report.record_files += 1;
    if (entry.kind === "record") {
      report.valid_records += 1;
      continue;
    }
    for (const problem of entry.problems) {
      report.problems.push(problem);
      onProblem?.(problem);
    }
  }
  return report;
}
