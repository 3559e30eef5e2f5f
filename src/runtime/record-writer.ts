import type { GitHub } from "../github/octokit.js";
import { emitRecord, type EmitOptions } from "../telemetry/emit-engine.js";
import { recordPathOf, type TelemetryRecord } from "../telemetry/envelope.js";
import { findRunDate } from "../telemetry/find-run-date.js";
import { planEmit } from "../telemetry/plan-emit.js";
import { recordPath } from "../telemetry/record-path.js";

/** The result of handing one record to the writer. */
export interface WrittenRecord {
  readonly path: string;
  /** `created`, `identical` (already stored, same bytes), or `not-written` under --dry-run. */
  readonly outcome: "created" | "identical" | "not-written";
}

/**
 * How the runner stores records. The real writer is emit-engine (the only writer of raw telemetry);
 * the dry-run writer stores nothing, so a dry run leaves no trace anywhere.
 */
export interface RecordWriter {
  /**
   * `runDate` is the run's date directory (preflight's day) when the caller knows it; without it, a
   * preflight record starts the run on its own day and any other record's run date is looked up.
   */
  write(
    github: GitHub,
    telemetryRepo: string,
    record: TelemetryRecord,
    runDate?: string,
  ): Promise<WrittenRecord>;
}

/**
 * emit-engine behind the runner's port. A record written without its run's date (an engine job of
 * its own) costs one lookup request first (`findRunDate`); the runner passes the date and pays none.
 */
export function emitRecordWriter(
  options: EmitOptions & { warn?: (line: string) => void } = {},
): RecordWriter {
  return {
    async write(github, telemetryRepo, record, runDate) {
      // Refusals come before any request, the run-date lookup included.
      if (runDate === undefined) planEmit({ telemetry_repo: telemetryRepo, record });
      const run_date =
        runDate ??
        (await findRunDate(github, telemetryRepo, record, {
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.warn === undefined ? {} : { warn: options.warn }),
        }));
      const result = await emitRecord(github, { telemetry_repo: telemetryRepo, record, run_date }, options);
      return { path: result.path, outcome: result.outcome };
    },
  };
}

/** Computes where each record would go and writes nothing, not even a lookup (`--dry-run`). */
export const dryRunRecordWriter: RecordWriter = {
  write: (_github, _telemetryRepo, record, runDate) =>
    Promise.resolve({
      path:
        runDate === undefined
          ? recordPathOf(record)
          : recordPath({
              owner: record.entity.owner,
              repo: record.entity.repo,
              date: runDate,
              correlation_id: record.correlation_id,
              engine_name: record.engine_name,
            }),
      outcome: "not-written",
    }),
};
