import { formatProblem, type Problem } from "../errors.js";
import type { EngineResult } from "../runtime/engine.js";
import { jsonErrorOffset, lineAndColumn } from "../util/json-error-offset.js";
import { checkEngineResult } from "./check-record.js";

/**
 * What goes into an engine's record, decided from what the engine left behind. Every input yields
 * an outcome, so every engine gets exactly one record on every exit path (DESIGN §5.7): a missing,
 * empty, unreadable or invalid result becomes an ok=false outcome whose reason names the problem.
 * Pure: the caller reads the file.
 */
export interface ResultOutcome {
  ok: boolean;
  /** Non-null exactly when `ok` is false. */
  reason: string | null;
  /** The record's `details`: the engine result, or a stand-in result describing why there is none. */
  details: EngineResult;
}

export interface OutcomeOptions {
  engine_name: string;
  /** Written into a stand-in result's `version`; the run's engine_ref is the useful value. */
  version?: string;
}

/**
 * Turns an in-memory engine result into a record outcome. An invalid result (wrong shape, an object
 * with both owner and repo, a top-level `event`) is not stored: it is replaced by a stand-in ok=false
 * result listing the problems, so forbidden content never reaches the immutable store.
 *
 * @example resultOutcome({ tool: "enforce", version: "1", ok: true, summary: "", checks: [], actions: [] },
 *   { engine_name: "enforce" }) // → { ok: true, reason: null, details: <the result> }
 */
export function resultOutcome(
  value: unknown,
  options: OutcomeOptions,
  origin = "the engine result",
): ResultOutcome {
  const problems = checkEngineResult(value);
  if (problems.length > 0) {
    const first = formatProblem(problems[0]);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    return failureOutcome(options, `${origin} is invalid: ${first}${more}`, "result.valid", problems);
  }
  const result = value as EngineResult;
  if (result.ok) return { ok: true, reason: null, details: result };
  const summary = result.summary.trim();
  return {
    ok: false,
    reason: summary === "" ? `${options.engine_name} reported ok=false` : summary,
    details: result,
  };
}

/**
 * Turns the bytes of a result file (`undefined` when the file does not exist) into a record outcome.
 *
 * @example resultFileOutcome({ file: "result.json", bytes: undefined, engine_name: "validate" }).reason
 *   // → "result file result.json is missing: validate wrote no result"
 */
export function resultFileOutcome(
  input: OutcomeOptions & { file: string; bytes: string | Uint8Array | undefined },
): ResultOutcome {
  const { file, bytes } = input;
  if (bytes === undefined) {
    return failureOutcome(
      input,
      `result file ${file} is missing: ${input.engine_name} wrote no result`,
      "result.present",
    );
  }
  let text: string;
  try {
    text = typeof bytes === "string" ? bytes : new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return failureOutcome(input, `result file ${file} is not UTF-8 text`, "result.readable");
  }
  if (text.trim() === "") {
    return failureOutcome(
      input,
      `result file ${file} is empty: ${input.engine_name} wrote no result`,
      "result.present",
    );
  }
  // The parser's own message quotes the text near the error, which may be a secret: the stored
  // reason gives the position only.
  const offset = jsonErrorOffset(text);
  if (offset !== undefined) {
    const { line, col } = lineAndColumn(text, offset);
    return failureOutcome(
      input,
      `result file ${file} is not valid JSON at line ${line}, column ${col}`,
      "result.readable",
    );
  }
  const value: unknown = JSON.parse(text);
  return resultOutcome(value, input, `result file ${file}`);
}

/**
 * A stand-in ok=false outcome for an engine that produced no usable result (crash, timeout, invalid
 * output); the runner uses it so a failed engine still has its one record.
 */
export function failureOutcome(
  options: OutcomeOptions,
  reason: string,
  checkId = "engine.completed",
  problems: readonly Problem[] = [],
): ResultOutcome {
  return {
    ok: false,
    reason,
    details: {
      tool: options.engine_name,
      version: options.version ?? "unknown",
      ok: false,
      summary: reason,
      checks: [
        {
          id: checkId,
          outcome: "FAIL",
          ...(problems.length === 0
            ? {}
            : { details: { problems: problems.map((p) => ({ path: p.path, message: p.message })) } }),
        },
      ],
      actions: [],
    },
  };
}
