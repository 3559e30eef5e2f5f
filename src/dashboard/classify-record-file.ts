import type { Problem } from "../errors.js";
import { checkRecord } from "../telemetry/check-record.js";
import type { TelemetryRecord } from "../telemetry/envelope.js";
import { parseRecordPath } from "../telemetry/record-path.js";
import type { RecordProblems } from "./create-reducer.js";

/**
 * Decides what one file under `telemetry/v1/repos/` is: a valid record, or every reason it is not
 * (a path that is no record path, bytes that are not JSON, an envelope that breaks v1, or a record
 * filed where it does not belong: another repository, date, correlation or engine). Pure.
 *
 * @example classifyRecordFile(path, text) // TelemetryRecord, or { problems: [...] }
 */
export function classifyRecordFile(path: string, text: string): TelemetryRecord | RecordProblems {
  const where = parseRecordPath(path);
  if (where === undefined) {
    return {
      problems: [
        {
          path: "",
          message:
            "not a record path (expected telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine>.json)",
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: "", message: `not JSON: ${(error as Error).message}` }] };
  }
  const problems: Problem[] = checkRecord(value);
  if (problems.length > 0) return { problems };
  const record = value as TelemetryRecord;
  if (record.correlation_id !== where.correlation_id) {
    problems.push({
      path: "/correlation_id",
      message: `correlation_id ${JSON.stringify(record.correlation_id)} differs from its folder ${JSON.stringify(where.correlation_id)}`,
    });
  }
  if (record.generated_at.slice(0, 10) !== where.date) {
    problems.push({
      path: "/generated_at",
      message: `generated_at ${record.generated_at} is not on the folder's date ${where.date}`,
    });
  }
  if (record.engine_name !== where.engine_name) {
    problems.push({
      path: "/engine_name",
      message: `engine_name ${JSON.stringify(record.engine_name)} differs from the file name ${where.engine_name}.json`,
    });
  }
  if (`${record.entity.owner}-${record.entity.repo}` !== where.owner_repo) {
    problems.push({
      path: "/entity",
      message: `entity ${record.entity.owner}/${record.entity.repo} does not belong in folder ${where.owner_repo}`,
    });
  }
  return problems.length > 0 ? { problems } : record;
}
