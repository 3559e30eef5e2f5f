import type { GitHub } from "../github/octokit.js";
import { emitRecord, type EmitOptions } from "../telemetry/emit-engine.js";
import { recordPathOf, type TelemetryRecord } from "../telemetry/envelope.js";

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
  write(github: GitHub, telemetryRepo: string, record: TelemetryRecord): Promise<WrittenRecord>;
}

/** emit-engine behind the runner's port. */
export function emitRecordWriter(options: EmitOptions = {}): RecordWriter {
  return {
    async write(github, telemetryRepo, record) {
      const result = await emitRecord(github, { telemetry_repo: telemetryRepo, record }, options);
      return { path: result.path, outcome: result.outcome };
    },
  };
}

/** Computes where each record would go and writes nothing (`--dry-run`). */
export const dryRunRecordWriter: RecordWriter = {
  write: (_github, _telemetryRepo, record) =>
    Promise.resolve({ path: recordPathOf(record), outcome: "not-written" }),
};
