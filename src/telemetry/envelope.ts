import { ValidationError, type Problem } from "../errors.js";
import type { EngineName } from "../runtime/engine.js";
import { canonicalJson } from "../util/canonical-json.js";
import { checkRecord } from "./check-record.js";
import { recordPath } from "./record-path.js";

/**
 * Telemetry envelope v1 (DESIGN §5.6): the one record each engine emits per run. Pure: the time,
 * the source and the result are passed in.
 */

export interface TelemetrySource {
  runner: "github-actions" | "local";
  workflow: string;
  job: string;
  run_id?: string;
  run_attempt?: string;
}

export interface TelemetryEntity {
  type: "repository";
  owner: string;
  repo: string;
}

export interface TelemetryEvent {
  /** Always the engine name. */
  category: string;
  action: "success" | "failure";
  /** Non-empty exactly when the record's `ok` is false. */
  reason: string | null;
}

export interface TelemetryRecord {
  schema_version: "1.0";
  /** ISO 8601 UTC with milliseconds, e.g. `2026-11-21T22:37:56.123Z`. */
  generated_at: string;
  correlation_id: string;
  engine_name: EngineName | (string & Record<never, never>);
  engine_ref: string;
  ok: boolean;
  source: TelemetrySource;
  entity: TelemetryEntity;
  event: TelemetryEvent;
  /** The engine result (DESIGN §5.5). */
  details: Record<string, unknown>;
}

export interface EnvelopeInput {
  /** When the record was made; read from the injected clock by the caller. */
  generated_at: Date | string;
  correlation_id: string;
  engine_name: EngineName | (string & Record<never, never>);
  engine_ref: string;
  /** `owner/repo` of the monitored repository. */
  target_repo: string;
  source: TelemetrySource;
  ok: boolean;
  /** Why the engine failed; required sense only when `ok` is false (defaults to the result's summary). */
  reason?: string | null;
  details: Record<string, unknown>;
}

/**
 * Builds a telemetry record and checks it against envelope v1, so a returned record is always valid.
 * When `ok` is false and no reason is given, the reason is the result's `summary` (or a sentence
 * naming the engine), so a failure record never has a null reason.
 *
 * @throws ValidationError listing every problem (bad target, segment, timestamp, guard, ok/reason).
 * @example buildEnvelope({ generated_at: clock.now(), correlation_id: "9187-1", engine_name: "enforce",
 *   engine_ref: "v1.4.0", target_repo: "acme/widgets", source, ok: true, details: result })
 */
export function buildEnvelope(input: EnvelopeInput): TelemetryRecord {
  const problems: Problem[] = [];
  const target = splitTargetRepo(input.target_repo);
  if (target === undefined) {
    problems.push({
      path: "/target_repo",
      message: `target_repo ${JSON.stringify(input.target_repo)} is not owner/repo`,
    });
  }
  if (input.ok && input.reason !== undefined && input.reason !== null) {
    problems.push({
      path: "/reason",
      message: "a reason was given for a successful record; ok=true has none",
    });
  }
  const generatedAt = toIsoString(input.generated_at);
  if (generatedAt === undefined) {
    problems.push({
      path: "/generated_at",
      message: `generated_at ${String(input.generated_at)} is not a time`,
    });
  }
  if (problems.length > 0) throw new ValidationError("cannot build the telemetry record", problems);

  const record: TelemetryRecord = {
    schema_version: "1.0",
    generated_at: generatedAt!,
    correlation_id: input.correlation_id,
    engine_name: input.engine_name,
    engine_ref: input.engine_ref,
    ok: input.ok,
    source: { ...input.source },
    entity: { type: "repository", owner: target!.owner, repo: target!.repo },
    event: {
      category: input.engine_name,
      action: input.ok ? "success" : "failure",
      reason: input.ok ? null : failureReason(input),
    },
    details: input.details,
  };
  const recordProblems = checkRecord(record);
  if (recordProblems.length > 0) {
    throw new ValidationError("the telemetry record would be invalid", recordProblems, {
      hint: "fix the engine result or the run parameters; nothing was written",
    });
  }
  return record;
}

/** The record's bytes as stored: canonical JSON, so equal records are equal bytes. */
export function serializeRecord(record: TelemetryRecord): string {
  return canonicalJson(record);
}

/** The UTC date (`YYYY-MM-DD`) of an ISO UTC timestamp such as `generated_at`. */
export function utcDateOf(generatedAt: string): string {
  return generatedAt.slice(0, 10);
}

/**
 * Where the record belongs: its entity, the UTC date of `generated_at`, its correlation id and
 * engine name. Throws `ValidationError` if any segment is invalid.
 */
export function recordPathOf(record: TelemetryRecord): string {
  return recordPath({
    owner: record.entity.owner,
    repo: record.entity.repo,
    date: utcDateOf(record.generated_at),
    correlation_id: record.correlation_id,
    engine_name: record.engine_name,
  });
}

/** `owner/repo` → parts, or undefined. Local so this pure module does not load Octokit. */
export function splitTargetRepo(fullName: string): { owner: string; repo: string } | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName);
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

function failureReason(input: EnvelopeInput): string {
  if (typeof input.reason === "string" && input.reason.trim() !== "") return input.reason;
  const summary = input.details.summary;
  if (typeof summary === "string" && summary.trim() !== "") return summary;
  return `${input.engine_name} reported ok=false`;
}

function toIsoString(value: Date | string): string | undefined {
  const instant = value instanceof Date ? value : new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}
