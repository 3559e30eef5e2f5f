import { ValidationError, type Problem } from "../errors.js";

/**
 * Where raw telemetry records live in an org's telemetry repository (DESIGN §5.6):
 * `telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine_name>.json`.
 *
 * Every segment is checked against its own rule before a path is built, so no input, however
 * crafted, yields a path outside `telemetry/v1/repos/` (no `/`, no `..`, no empty segment).
 * Pure: no I/O.
 */

export const RECORDS_ROOT = "telemetry/v1/repos";

/** GitHub login: letters, digits and inner hyphens, at most 39 characters. */
export const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
/** GitHub repository name: letters, digits, `.`, `_`, `-`, at most 100 characters (`.` and `..` refused apart). */
export const REPO_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
/** DESIGN §5.4. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Engine names are lowercase words joined by hyphens (`self-test`); they name the record file. */
export const ENGINE_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface RecordPathParts {
  owner: string;
  repo: string;
  /** UTC date `YYYY-MM-DD`. */
  date: string;
  correlation_id: string;
  engine_name: string;
}

/** What a path tells about its record; `owner_repo` is not split because owners and repos may hold `-`. */
export interface ParsedRecordPath {
  owner_repo: string;
  date: string;
  correlation_id: string;
  engine_name: string;
}

/** Is `text` a real calendar date written `YYYY-MM-DD`? */
export function isCalendarDate(text: string): boolean {
  if (!DATE_PATTERN.test(text)) return false;
  const instant = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(instant.getTime()) && instant.toISOString().slice(0, 10) === text;
}

export function isValidOwner(owner: string): boolean {
  return OWNER_PATTERN.test(owner);
}

export function isValidRepoName(repo: string): boolean {
  return REPO_PATTERN.test(repo) && repo !== "." && repo !== "..";
}

export function isValidCorrelationId(id: string): boolean {
  return CORRELATION_ID_PATTERN.test(id);
}

export function isValidEngineName(name: string): boolean {
  return name.length <= 64 && ENGINE_NAME_PATTERN.test(name);
}

/**
 * Every problem with the segments of a record path, each naming its field. Empty when all are valid.
 */
export function checkRecordPathParts(parts: Partial<Record<keyof RecordPathParts, unknown>>): Problem[] {
  const problems: Problem[] = [];
  const rule = (
    field: keyof RecordPathParts,
    valid: (text: string) => boolean,
    message: string,
    hint: string,
  ) => {
    const value = parts[field];
    if (typeof value !== "string" || !valid(value)) {
      problems.push({ path: `/${field}`, message: `${field} ${describe(value)} ${message}`, hint });
    }
  };
  rule(
    "owner",
    isValidOwner,
    "is not a GitHub owner name",
    "use letters, digits and single inner hyphens, at most 39 characters",
  );
  rule(
    "repo",
    isValidRepoName,
    "is not a GitHub repository name",
    "use letters, digits, '.', '_' and '-', at most 100 characters",
  );
  rule("date", isCalendarDate, "is not a calendar date", "write the UTC date as YYYY-MM-DD");
  rule(
    "correlation_id",
    isValidCorrelationId,
    "is not a valid correlation id",
    "start with a letter or digit, then letters, digits, '.', '_' or '-', at most 128 characters",
  );
  rule(
    "engine_name",
    isValidEngineName,
    "is not a valid engine name",
    "use lowercase letters and digits in hyphen-separated words, e.g. self-test",
  );
  return problems;
}

/** The `<owner>-<repo>` directory of a monitored repository's records. */
export function repoDirectoryName(owner: string, repo: string): string {
  return `${owner}-${repo}`;
}

/**
 * The record's path in the telemetry repository. Throws `ValidationError` (carrying every problem)
 * when any segment breaks its rule; callers that want problems as data use `checkRecordPathParts`.
 *
 * @example recordPath({ owner: "acme", repo: "widgets", date: "2026-11-21", correlation_id: "9187-1",
 *   engine_name: "enforce" }) === "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json"
 */
export function recordPath(parts: RecordPathParts): string {
  const problems = checkRecordPathParts(parts);
  if (problems.length > 0) {
    throw new ValidationError("invalid telemetry record path", problems, {
      hint: "every path segment must follow its rule; nothing may leave telemetry/v1/repos/",
    });
  }
  const { owner, repo, date, correlation_id, engine_name } = parts;
  return `${RECORDS_ROOT}/${repoDirectoryName(owner, repo)}/${date}/${correlation_id}/${engine_name}.json`;
}

/**
 * Reads a record path back into its parts, or `undefined` when `path` is not exactly a record path
 * (wrong root, wrong depth, a segment breaking its rule, a file not named `<engine>.json`).
 */
export function parseRecordPath(path: string): ParsedRecordPath | undefined {
  const prefix = `${RECORDS_ROOT}/`;
  if (!path.startsWith(prefix)) return undefined;
  const segments = path.slice(prefix.length).split("/");
  if (segments.length !== 4) return undefined;
  const [ownerRepo, date, correlationId, file] = segments;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ownerRepo) || !ownerRepo.includes("-")) return undefined;
  if (!isCalendarDate(date) || !isValidCorrelationId(correlationId)) return undefined;
  if (!file.endsWith(".json")) return undefined;
  const engineName = file.slice(0, -".json".length);
  if (!isValidEngineName(engineName)) return undefined;
  return { owner_repo: ownerRepo, date, correlation_id: correlationId, engine_name: engineName };
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return value === undefined ? "(missing)" : `(${typeof value})`;
}
