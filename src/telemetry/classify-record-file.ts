import type { Problem } from "../errors.js";
import { canonicalJson } from "../util/canonical-json.js";
import { checkRecord } from "./check-record.js";
import { utcDateOf, type TelemetryRecord } from "./envelope.js";
import { parseRecordPath, repoDirectoryName } from "./record-path.js";
import { isRunDateOf } from "./run-date.js";

/** One file found under `telemetry/v1/repos/`, as readers yield it. */
export type RecordEntry =
  /** A well-formed record at the right place. */
  | { kind: "record"; path: string; record: TelemetryRecord; text: string }
  /** A record file that cannot be trusted: unreadable, invalid, non-canonical or in the wrong place. */
  | { kind: "invalid"; path: string; problems: Problem[] }
  /** Something that does not belong in the record tree (a `.keep`, a stray file or directory). */
  | { kind: "unexpected"; path: string; problems: Problem[] };

/**
 * Classifies the content of a record file at `path` (a path already shaped like a record path):
 * valid JSON, canonical bytes, envelope v1, and a location that agrees with the content — file
 * name = `engine_name`, correlation directory = `correlation_id`, date directory = the run's date
 * (preflight's: the UTC date of `generated_at` for a preflight record, that date or the day before
 * for any other, see `run-date.ts`), `<owner>-<repo>` directory
 * = `entity`. Every problem carries `file: path`. Pure.
 */
export function classifyRecordFile(path: string, bytes: string | Uint8Array): RecordEntry {
  const invalid = (problems: Problem[]): RecordEntry => ({
    kind: "invalid",
    path,
    problems: problems.map((problem) => ({ ...problem, file: path })),
  });
  let text: string;
  try {
    text = typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalid([{ path: "", message: "the file is not UTF-8 text" }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid([{ path: "", message: `the file is not valid JSON: ${(error as Error).message}` }]);
  }
  const problems = checkRecord(value);
  if (problems.length === 0) problems.push(...checkRecordLocation(path, value as TelemetryRecord));
  if (problems.length === 0 && text !== canonicalJson(value)) {
    problems.push({
      path: "",
      message: "the file is not canonical JSON (sorted keys, two-space indent, one trailing newline)",
      hint: "records are written only by emit-engine; this file was changed or written by something else",
    });
  }
  if (problems.length > 0) return invalid(problems);
  return { kind: "record", path, record: value as TelemetryRecord, text };
}

/** Where the record's content says it belongs, compared with where it is. Pure. */
export function checkRecordLocation(path: string, record: TelemetryRecord): Problem[] {
  const parsed = parseRecordPath(path);
  if (parsed === undefined) {
    return [{ path: "", message: `${path} is not a record path`, file: path }];
  }
  const problems: Problem[] = [];
  const expectDirectory = (pointer: string, what: string, actual: string, expected: string) => {
    if (actual !== expected) {
      problems.push({
        path: pointer,
        message: `${what} is ${JSON.stringify(actual)} but the record says ${JSON.stringify(expected)}`,
      });
    }
  };
  expectDirectory(
    "/engine_name",
    "the file name",
    `${parsed.engine_name}.json`,
    `${record.engine_name}.json`,
  );
  expectDirectory(
    "/correlation_id",
    "the correlation directory",
    parsed.correlation_id,
    record.correlation_id,
  );
  if (record.engine_name === "preflight") {
    // Preflight starts its run: the run's date is preflight's own.
    expectDirectory("/generated_at", "the date directory", parsed.date, utcDateOf(record.generated_at));
  } else if (!isRunDateOf(parsed.date, record.generated_at)) {
    problems.push({
      path: "/generated_at",
      message: `the date directory is ${JSON.stringify(parsed.date)} but the record's run date can only be ${JSON.stringify(utcDateOf(record.generated_at))} (the UTC date of generated_at) or the day before it`,
    });
  }
  expectDirectory(
    "/entity",
    "the repository directory",
    parsed.owner_repo,
    repoDirectoryName(record.entity.owner, record.entity.repo),
  );
  return problems.map((problem) => ({ ...problem, file: path }));
}
