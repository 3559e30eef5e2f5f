import type { ErrorObject } from "ajv";
import type { Problem } from "../errors.js";
import { findForbiddenDetails } from "./details-guard.js";
import { isCalendarDate } from "./record-path.js";
import * as generated from "./record-validators.generated.js";

/** An ajv validator: true or false, with the reasons in `errors` after a false. */
interface CompiledCheck {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The envelope schema and its `details` compiled ahead of time (`recordValidatorSource`), so no
 * process pays for compiling them.
 */
const compiled = generated as unknown as { envelope: CompiledCheck; result: CompiledCheck };

function validators() {
  return compiled;
}

/**
 * Every problem with an engine result (DESIGN §5.5) before it becomes a record's `details`: its
 * shape (tool, version, ok, summary, checks with PASS|WARN|FAIL, actions with ids) and the guard.
 * Pure.
 */
export function checkEngineResult(value: unknown): Problem[] {
  const validate = validators().result;
  const problems: Problem[] = validate(value)
    ? []
    : (validate.errors ?? []).map((error) => problemFromAjv(error, "result"));
  return dedupe([...problems, ...findForbiddenDetails(value)]);
}

/**
 * Every problem with a telemetry record's content (not its location): envelope v1 schema, the UTC
 * timestamp, `ok` ↔ `event.action` ↔ non-null `event.reason`, `ok` = `details.ok`, `event.category`
 * = `engine_name`, and the details guard. Problems carry JSON pointers. Pure.
 *
 * @example checkRecord(JSON.parse(text)).length === 0 // the record is well formed
 */
export function checkRecord(value: unknown): Problem[] {
  const validate = validators().envelope;
  const problems: Problem[] = [];
  if (!validate(value)) {
    for (const error of validate.errors ?? []) {
      // The ok ↔ action ↔ reason rule is reported below in plain words, not as if/then failures.
      if (error.schemaPath.startsWith("#/allOf/")) continue;
      problems.push(problemFromAjv(error, "record"));
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return problems;
  const record = value as Record<string, unknown>;
  const event = asObject(record.event);
  const details = asObject(record.details);

  if (typeof record.generated_at === "string" && !isCalendarDate(record.generated_at.slice(0, 10))) {
    problems.push({
      path: "/generated_at",
      message: `generated_at ${record.generated_at} is not a real date`,
    });
  }
  if (typeof record.ok === "boolean" && event !== undefined) {
    const expected = record.ok ? "success" : "failure";
    if (event.action !== expected) {
      problems.push({
        path: "/event/action",
        message: `event.action must be "${expected}" because ok is ${String(record.ok)}`,
      });
    }
    if (record.ok && event.reason !== null) {
      problems.push({ path: "/event/reason", message: "event.reason must be null when ok is true" });
    }
    if (!record.ok && (typeof event.reason !== "string" || event.reason.trim() === "")) {
      problems.push({
        path: "/event/reason",
        message: "event.reason must name the failure (a non-empty string) when ok is false",
      });
    }
  }
  if (details !== undefined && typeof record.ok === "boolean" && typeof details.ok === "boolean") {
    if (details.ok !== record.ok) {
      problems.push({
        path: "/details/ok",
        message: `details.ok is ${String(details.ok)} but the record's ok is ${String(record.ok)}`,
      });
    }
  }
  if (details !== undefined && Array.isArray(details.changes) && typeof details.changes_total === "number") {
    if (details.changes_total < details.changes.length) {
      problems.push({
        path: "/details/changes_total",
        message: `details.changes_total is ${details.changes_total} but details.changes lists ${details.changes.length} change(s)`,
        hint: "changes_total counts every changed issue, also those the capped changes list leaves out",
      });
    }
  }
  if (
    event !== undefined &&
    typeof record.engine_name === "string" &&
    event.category !== record.engine_name
  ) {
    problems.push({
      path: "/event/category",
      message: `event.category ${JSON.stringify(event.category)} must equal engine_name ${JSON.stringify(record.engine_name)}`,
    });
  }
  if (record.details !== undefined) {
    for (const problem of findForbiddenDetails(record.details)) {
      problems.push({ ...problem, path: `/details${problem.path}` });
    }
  }
  return dedupe(problems);
}

function problemFromAjv(error: ErrorObject, whole: string): Problem {
  const at = error.instancePath === "" ? whole : error.instancePath.slice(1).replace(/\//g, ".");
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return {
        path: `${error.instancePath}/${String(params.missingProperty)}`,
        message: `${at} is missing ${String(params.missingProperty)}`,
      };
    case "additionalProperties":
      return {
        path: `${error.instancePath}/${String(params.additionalProperty)}`,
        message: `${at} has unknown key ${String(params.additionalProperty)}`,
        hint: "envelope v1 is closed; put engine-specific data under details",
      };
    case "enum":
      return {
        path: error.instancePath,
        message: `${at} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "const":
      return { path: error.instancePath, message: `${at} must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path: error.instancePath, message: `${at} ${error.message ?? "is invalid"}` };
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
