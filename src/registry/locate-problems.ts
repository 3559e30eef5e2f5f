import type { Problem } from "../errors.js";
import { lineIndex, locateJson, type JsonSyntaxError } from "./parse-json.js";

/**
 * A problem found on a parsed value, before it is placed in the file: `at` says which offset
 * best shows it — the member's key (a bad name, an unknown member), its value (a bad value), or the
 * enclosing object (a missing member).
 */
export interface PointerProblem {
  path: string;
  message: string;
  hint?: string;
  at: "key" | "value" | "parent";
}

/** The pointer of the object or array that holds `pointer`. */
export function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

/**
 * Gives each problem its `line:col` in `text` (one extra positioned pass over the text, paid only
 * when there are problems) and the file name, keeping the problems' order.
 */
export function locateProblems(text: string, problems: readonly PointerProblem[], file?: string): Problem[] {
  if (problems.length === 0) return [];
  const locations = locateJson(text);
  const position = lineIndex(text);
  return problems.map((problem) => {
    const own = locations.get(problem.path);
    const parent = locations.get(parentPointer(problem.path));
    const offset =
      problem.at === "parent"
        ? parent?.valueOffset
        : problem.at === "key"
          ? (own?.keyOffset ?? own?.valueOffset)
          : own?.valueOffset;
    const where = offset === undefined ? {} : position(offset);
    return withFile({ path: problem.path, message: problem.message, ...where, hint: problem.hint }, file);
  });
}

/** A syntax error as a located problem at the document root. */
export function syntaxProblem(text: string, error: JsonSyntaxError, file?: string, prefix = ""): Problem {
  const { line, col } = lineIndex(text)(error.offset);
  return withFile(
    { path: "", message: `${prefix}invalid JSON: ${error.message}`, line, col, hint: error.hint },
    file,
  );
}

function withFile(problem: Problem, file: string | undefined): Problem {
  const out: Problem = { path: problem.path, message: problem.message };
  if (file !== undefined) out.file = file;
  if (problem.line !== undefined) out.line = problem.line;
  if (problem.col !== undefined) out.col = problem.col;
  if (problem.hint !== undefined) out.hint = problem.hint;
  return out;
}
