import { PolicyError, ValidationError } from "../errors.js";
import { sameGitHubName } from "../registry/github-names.js";
import { checkRecord } from "./check-record.js";
import { serializeRecord, splitTargetRepo, utcDateOf, type TelemetryRecord } from "./envelope.js";
import { isValidOwner, isValidRepoName, recordPath } from "./record-path.js";
import { isRunDateOf } from "./run-date.js";

/** Everything the writer needs to store one record, decided before any request. */
export interface EmitPlan {
  owner: string;
  repo: string;
  path: string;
  /** The exact bytes to store (canonical JSON). */
  text: string;
  /** `text` in base64, as the contents API takes it. */
  content: string;
  message: string;
}

/**
 * Checks a record and where it is going, and returns the one write to make. Refuses (throws) before
 * any request when the telemetry repository belongs to another owner than the monitored repository
 * (cross-org), is the monitored repository itself, or when the record is invalid in any way (a bad
 * path segment, an object with both owner and repo in `details`, a top-level `details.event`, ...).
 * Pure.
 *
 * @throws PolicyError for cross-org or same-repo targets; ValidationError listing every record problem.
 */
export function planEmit(input: {
  telemetry_repo: string;
  record: TelemetryRecord;
  /**
   * The run's date directory (`YYYY-MM-DD`, see `run-date.ts`): preflight's day, which is the
   * record's own day or the day before. Default: the UTC date of the record's `generated_at`.
   */
  run_date?: string;
}): EmitPlan {
  const { record } = input;
  const telemetry = splitTargetRepo(input.telemetry_repo);
  if (telemetry === undefined || !isValidOwner(telemetry.owner) || !isValidRepoName(telemetry.repo)) {
    throw new ValidationError("invalid telemetry repository", [
      {
        path: "/telemetry_repo",
        message: `telemetry_repo ${JSON.stringify(input.telemetry_repo)} is not owner/name`,
        hint: "pass the org's telemetry repository as owner/name",
      },
    ]);
  }
  const entity = (record as Partial<TelemetryRecord>).entity;
  const targetOwner = typeof entity?.owner === "string" ? entity.owner : "";
  const targetRepo = typeof entity?.repo === "string" ? entity.repo : "";
  // GitHub names are case-insensitive, so the guards are too: `ACME/t` is acme's repository.
  if (!sameGitHubName(telemetry.owner, targetOwner)) {
    throw new PolicyError(
      `refusing to write telemetry for ${targetOwner}/${targetRepo} into ${input.telemetry_repo}: another owner's repository (cross-org)`,
      { hint: `each org's records go to its own telemetry repository, ${targetOwner}/<telemetry repo>` },
    );
  }
  if (sameGitHubName(telemetry.repo, targetRepo)) {
    throw new PolicyError(
      `refusing to write telemetry into the monitored repository ${input.telemetry_repo} itself`,
      { hint: "telemetry goes to the org's telemetry repository, never into the monitored repository" },
    );
  }

  const problems = checkRecord(record);
  if (
    problems.length === 0 &&
    input.run_date !== undefined &&
    !isRunDateOf(input.run_date, record.generated_at, record.engine_name)
  ) {
    problems.push({
      path: "/run_date",
      message:
        record.engine_name === "preflight"
          ? `the run date ${JSON.stringify(input.run_date)} is not the UTC date of preflight's generated_at (${utcDateOf(record.generated_at)})`
          : `the run date ${JSON.stringify(input.run_date)} is neither the UTC date of generated_at (${utcDateOf(record.generated_at)}) nor the day before it`,
      hint: "a run's directory is dated by its preflight record, which comes at most one midnight before the engines'",
    });
  }
  if (problems.length > 0) {
    throw new ValidationError("refusing to emit an invalid telemetry record", problems, {
      hint: "nothing was written; fix the record (or the engine result it carries) and emit again",
    });
  }

  // recordPath checks every segment again on its own, so the path cannot escape even if the
  // record rules and the path rules ever drift apart.
  const path = recordPath({
    owner: targetOwner,
    repo: targetRepo,
    date: input.run_date ?? utcDateOf(record.generated_at),
    correlation_id: record.correlation_id,
    engine_name: record.engine_name,
  });
  const text = serializeRecord(record);
  return {
    owner: telemetry.owner,
    repo: telemetry.repo,
    path,
    text,
    content: encodeBase64(text),
    message: `telemetry: ${record.engine_name} ${targetOwner}/${targetRepo} ${record.correlation_id}`,
  };
}

/** UTF-8 → base64 without `node:buffer`, so this module stays pure. */
export function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}
