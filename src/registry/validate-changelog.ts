import type { Problem } from "../errors.js";
import { sortKeys } from "../util/canonical-json.js";
import { ownerNameProblem, repoNameProblem } from "./github-names.js";
import { locateProblems, syntaxProblem, type PointerProblem } from "./locate-problems.js";
import { escapePointerToken, parseJson, parseSerializedJson } from "./parse-json.js";
import {
  CHANGELOG_ACTIONS,
  CURRENT_SCHEMA_VERSION,
  REPO_CONTEXTS,
  type ChangelogLine,
} from "./registry-types.js";
import { isUtcTimestamp } from "./validate-registry.js";

export interface ChangelogValidation {
  valid: boolean;
  /** The lines that are valid, in file order (all of them when `valid`). */
  lines: ChangelogLine[];
  /** The raw text of every line, without its newline. */
  rawLines: string[];
  problems: Problem[];
}

const LINE_KEYS = new Set([
  "timestamp",
  "action",
  "owner",
  "repo",
  "context",
  "telemetry_repo",
  "reason",
  "process",
  "schema_version",
]);

/** The exact text the infra CLI writes for a changelog line: compact canonical JSON and a newline. */
export function changelogLineText(line: ChangelogLine): string {
  return `${JSON.stringify(sortKeys(line))}\n`;
}

/**
 * Validates `infra-changelog.jsonl` (DESIGN §5.2): one JSON object per line, each matching
 * `schemas/infra-changelog-line.schema.json` plus the same-org telemetry rule; no blank lines; a
 * newline after the last line. Problems point into the file as an array of lines: `/<index>/field`
 * (0-based index) with the 1-based `line:col`.
 */
export function validateChangelogText(text: string, options: { file?: string } = {}): ChangelogValidation {
  const file = options.file;
  const result: ChangelogValidation = { valid: true, lines: [], rawLines: [], problems: [] };
  if (text === "") return result;
  const rawLines = text.split("\n");
  const endsWithNewline = rawLines[rawLines.length - 1] === "";
  if (endsWithNewline) rawLines.pop();
  result.rawLines = rawLines;
  rawLines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const checked = checkLine(raw, index, file);
    if (checked.problems.length === 0) {
      result.lines.push(checked.value as ChangelogLine);
    } else {
      result.problems.push(...checked.problems.map((problem) => ({ ...problem, line: lineNumber })));
    }
  });
  if (!endsWithNewline) {
    result.problems.push(
      withFile(
        {
          path: `/${rawLines.length - 1}`,
          message: "the last line has no newline",
          line: rawLines.length,
          col: rawLines[rawLines.length - 1].length + 1,
          hint: "end every line, including the last, with a newline",
        },
        file,
      ),
    );
  }
  result.valid = result.problems.length === 0;
  return result;
}

function checkLine(
  raw: string,
  index: number,
  file: string | undefined,
): { value?: unknown; problems: Problem[] } {
  const prefix = `/${index}`;
  if (raw.trim() === "") {
    return {
      problems: [
        withFile(
          { path: prefix, message: "blank line", col: 1, hint: "remove it: every line is one change" },
          file,
        ),
      ],
    };
  }
  const serialized = parseSerializedJson(raw, 0, false);
  const parsed =
    serialized !== undefined
      ? { ok: true as const, value: serialized.value, duplicateKeys: [] }
      : parseJson(raw);
  if (!parsed.ok) return { problems: [{ ...syntaxProblem(raw, parsed.error, file), path: prefix }] };
  const problems: PointerProblem[] = parsed.duplicateKeys.map((duplicate) => ({
    path: duplicate.pointer,
    message: "this member appears more than once",
    at: "key",
  }));
  checkChangelogLineValue(parsed.value, problems);
  return {
    value: parsed.value,
    problems: locateProblems(raw, problems, file).map((problem) => ({
      ...problem,
      path: `${prefix}${problem.path}`,
    })),
  };
}

/** The schema and semantic checks of one changelog line value, as pointer problems. */
export function checkChangelogLineValue(value: unknown, problems: PointerProblem[] = []): PointerProblem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push({ path: "", message: "a changelog line must be a JSON object", at: "value" });
    return problems;
  }
  const line = value as Record<string, unknown>;
  for (const key of Object.keys(line)) {
    if (!LINE_KEYS.has(key)) {
      problems.push({ path: `/${escapePointerToken(key)}`, message: `unknown member "${key}"`, at: "key" });
    }
  }
  requireString(line, "timestamp", problems, (text) =>
    isUtcTimestamp(text) ? undefined : 'timestamp must be a UTC timestamp such as "2026-11-21T00:00:00Z"',
  );
  requireString(line, "action", problems, (text) =>
    (CHANGELOG_ACTIONS as readonly string[]).includes(text)
      ? undefined
      : `action must be one of ${CHANGELOG_ACTIONS.join(", ")}, not "${text}"`,
  );
  requireString(line, "owner", problems, ownerNameProblem);
  requireString(line, "repo", problems, repoNameProblem);
  requireString(line, "reason", problems, nonBlank("reason"));
  requireString(line, "process", problems, nonBlank("process"));
  requireString(line, "schema_version", problems, (text) =>
    text === CURRENT_SCHEMA_VERSION ? undefined : `schema_version must be "${CURRENT_SCHEMA_VERSION}"`,
  );
  const isRegister = line.action === "register";
  if (line.context !== undefined || isRegister) {
    requireString(line, "context", problems, (text) =>
      (REPO_CONTEXTS as readonly string[]).includes(text)
        ? undefined
        : "context must be sandbox or production",
    );
  }
  if (line.telemetry_repo !== undefined || isRegister) {
    requireString(line, "telemetry_repo", problems, (text) => {
      const slash = text.indexOf("/");
      if (slash === -1) return `telemetry_repo must be <owner>/<name>, not "${text}"`;
      if (typeof line.owner === "string" && text.slice(0, slash) !== line.owner) {
        return `telemetry_repo "${text}" is in another org than ${line.owner} (cross-org telemetry is forbidden)`;
      }
      const nameProblem = repoNameProblem(text.slice(slash + 1));
      return nameProblem === undefined ? undefined : `telemetry_repo: ${nameProblem}`;
    });
  }
  return problems;
}

function nonBlank(name: string): (text: string) => string | undefined {
  return (text) => (text.trim() === "" ? `${name} must not be empty` : undefined);
}

function requireString(
  line: Record<string, unknown>,
  key: string,
  problems: PointerProblem[],
  check: (text: string) => string | undefined,
): void {
  const value = line[key];
  const path = `/${key}`;
  if (value === undefined) {
    problems.push({ path, message: `${key} is required`, at: "parent" });
    return;
  }
  if (typeof value !== "string") {
    problems.push({ path, message: `${key} must be a string`, at: "value" });
    return;
  }
  const message = check(value);
  if (message !== undefined) problems.push({ path, message, at: "value" });
}

function withFile(problem: Problem, file: string | undefined): Problem {
  return file === undefined ? problem : { ...problem, file };
}
