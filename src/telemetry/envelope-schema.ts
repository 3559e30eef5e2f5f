import { CORRELATION_ID_PATTERN, ENGINE_NAME_PATTERN, OWNER_PATTERN, REPO_PATTERN } from "./record-path.js";

/** `2026-11-21T22:37:56.123Z`: UTC only, so the record's date directory is its first ten characters. */
export const GENERATED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

const nonEmpty = { type: "string", minLength: 1, maxLength: 256 } as const;

/** An issue's labels and milestone on one side of a change (`details.changes[].before|after`). */
const issueFace = {
  type: "object",
  additionalProperties: false,
  required: ["labels", "milestone"],
  properties: {
    labels: { type: "array", items: { type: "string" } },
    milestone: { type: ["string", "null"] },
  },
} as const;

/**
 * JSON Schema (draft-07) of telemetry envelope v1 (DESIGN §5.6). It lives in code so validation
 * needs no file access; `schemas/telemetry-envelope.v1.schema.json` publishes the same object, and a
 * test keeps the two identical.
 *
 * The schema is closed (no unknown keys outside `details`): emit-engine is the only writer, so an
 * unknown key means a record was not written by it. `details` is open beyond the engine result's
 * fields (DESIGN §5.5), but its guard rules (no owner+repo object, no top-level `event`) need code
 * and are checked by `checkRecord`.
 */
export const TELEMETRY_ENVELOPE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://task-assistant.dev/schemas/telemetry-envelope.v1.schema.json",
  title: "Task Assistant telemetry envelope v1",
  description:
    "One immutable record per engine per run, stored at telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine_name>.json in the org's telemetry repository, where <YYYY-MM-DD> is the run's date: the UTC date of the run's preflight record, so every record of one correlation_id is in one directory (an engine record written after midnight sits under the day before its own generated_at, which stays its own). details must not contain an object with both owner and repo keys at any depth, nor a top-level event key.",
  type: "object",
  additionalProperties: false,
  required: [
    "schema_version",
    "generated_at",
    "correlation_id",
    "engine_name",
    "engine_ref",
    "ok",
    "source",
    "entity",
    "event",
    "details",
  ],
  properties: {
    schema_version: { const: "1.0" },
    generated_at: { type: "string", format: "date-time", pattern: GENERATED_AT_PATTERN.source },
    correlation_id: { type: "string", pattern: CORRELATION_ID_PATTERN.source },
    engine_name: { type: "string", maxLength: 64, pattern: ENGINE_NAME_PATTERN.source },
    engine_ref: { ...nonEmpty, pattern: "^\\S+$" },
    ok: { type: "boolean" },
    source: {
      type: "object",
      additionalProperties: false,
      required: ["runner", "workflow", "job"],
      properties: {
        runner: { enum: ["github-actions", "local"] },
        workflow: nonEmpty,
        job: nonEmpty,
        run_id: { type: "string", pattern: "^[0-9]{1,20}$" },
        run_attempt: { type: "string", pattern: "^[0-9]{1,10}$" },
      },
    },
    entity: {
      type: "object",
      additionalProperties: false,
      required: ["type", "owner", "repo"],
      properties: {
        type: { const: "repository" },
        owner: { type: "string", pattern: OWNER_PATTERN.source },
        repo: { type: "string", pattern: REPO_PATTERN.source, not: { enum: [".", ".."] } },
      },
    },
    event: {
      type: "object",
      additionalProperties: false,
      required: ["category", "action", "reason"],
      properties: {
        category: { type: "string", maxLength: 64, pattern: ENGINE_NAME_PATTERN.source },
        action: { enum: ["success", "failure"] },
        reason: { anyOf: [{ type: "null" }, { type: "string", minLength: 1 }] },
      },
    },
    details: {
      type: "object",
      required: ["tool", "version", "ok", "summary", "checks", "actions"],
      dependencies: { changes: ["changes_total"], changes_total: ["changes"] },
      properties: {
        tool: { type: "string" },
        version: { type: "string" },
        ok: { type: "boolean" },
        summary: { type: "string" },
        checks: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "outcome"],
            properties: { id: { type: "string", minLength: 1 }, outcome: { enum: ["PASS", "WARN", "FAIL"] } },
          },
        },
        actions: {
          type: "array",
          items: { type: "object", required: ["id"], properties: { id: { type: "string", minLength: 1 } } },
        },
        // Issues an enforce or reconcile run changed (optional: older records have none).
        changes: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["number", "before", "after", "rules"],
            properties: {
              number: { type: "integer", minimum: 1 },
              before: issueFace,
              after: issueFace,
              rules: { type: "array", items: { type: "string", minLength: 1 } },
            },
          },
        },
        changes_total: { type: "integer", minimum: 0 },
      },
    },
  },
  // ok ↔ event.action ↔ reason, for consumers validating with the schema alone.
  allOf: [
    {
      if: { type: "object", properties: { ok: { const: true } }, required: ["ok"] },
      then: {
        type: "object",
        properties: {
          event: { type: "object", properties: { action: { const: "success" }, reason: { type: "null" } } },
        },
      },
      else: {
        type: "object",
        properties: {
          event: {
            type: "object",
            properties: { action: { const: "failure" }, reason: { type: "string", minLength: 1 } },
          },
        },
      },
    },
  ],
} as const;
