import type { GitHub } from "../github/octokit.js";
import type { TelemetryRecord } from "./envelope.js";
import { utcDateOf } from "./envelope.js";
import { RECORDS_ROOT, repoDirectoryName } from "./record-path.js";
import { previousUtcDate } from "./run-date.js";
import { isHttpError } from "./write-attempts.js";

/**
 * The run date of `record` when the record is written by a process of its own (an engine job on
 * Actions), where the run's start is not at hand: preflight starts every run, so a run that began
 * the day before `generated_at` has its directory there. One request, a contents `GET` of the
 * previous day's `<correlation_id>/` directory: present → that day; absent → the record's own day.
 * Preflight's own record needs no request: its day is the run's. If GitHub cannot answer, the
 * record's own day is used and `warn` says so: a record split from its run is better than none.
 *
 * @example await findRunDate(github, "acme/telemetry", record) // "2026-12-05"
 */
export async function findRunDate(
  github: GitHub,
  telemetryRepo: string,
  record: TelemetryRecord,
  options: { signal?: AbortSignal; warn?: (line: string) => void } = {},
): Promise<string> {
  const own = utcDateOf(record.generated_at);
  if (record.engine_name === "preflight") return own;
  const [owner, repo] = telemetryRepo.split("/");
  const previous = previousUtcDate(own);
  const path = `${RECORDS_ROOT}/${repoDirectoryName(record.entity.owner, record.entity.repo)}/${previous}/${record.correlation_id}`;
  try {
    await github.rest.repos.getContent({
      owner,
      repo,
      path,
      request: options.signal === undefined ? {} : { signal: options.signal },
    });
    return previous;
  } catch (error) {
    options.signal?.throwIfAborted();
    if (isHttpError(error) && error.status === 404) return own;
    options.warn?.(
      `could not tell whether run ${record.correlation_id} started on ${previous} (${error instanceof Error ? error.message : String(error)}); writing under ${own}`,
    );
    return own;
  }
}
