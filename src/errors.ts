/**
 * Typed errors of Task Assistant (DESIGN §4). Library code throws these; only `src/cli` turns them
 * into exit codes:
 *   0 ok · 1 the work ran and failed · 2 refused input · 3 external failure (GitHub, network, git).
 *
 * Classify by type (`instanceof` or `exitCode`), never by message text.
 */

/** One problem found in an input, located as precisely as the input allows. */
export interface Problem {
  /** JSON pointer into the document (`/orgs/acme/repos/widgets/context`), "" for the whole document. */
  path: string;
  message: string;
  /** The file the problem is in, when the input came from a file. */
  file?: string;
  /** 1-based line and column of the offending value, when known. */
  line?: number;
  col?: number;
  /** What would fix it. */
  hint?: string;
}

export type ExitCode = 0 | 1 | 2 | 3;

export abstract class TaskAssistantError extends Error {
  abstract readonly exitCode: ExitCode;
  /** What the user can do about it; printed under the message. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Wrong command line: unknown flag, missing argument, malformed value. */
export class UsageError extends TaskAssistantError {
  readonly exitCode = 2 as const;
}

/** An input document (registry, config, record, payload) failed validation; every problem is listed. */
export class ValidationError extends TaskAssistantError {
  readonly exitCode = 2 as const;
  readonly problems: readonly Problem[];

  constructor(
    message: string,
    problems: readonly Problem[],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.problems = problems;
  }
}

/** A rule refused the operation (guard, policy, cross-org, floating ref, dirty tree, ...). */
export class PolicyError extends TaskAssistantError {
  readonly exitCode = 2 as const;
}

/** A telemetry record already exists at the path with different bytes; it was left untouched. */
export class ImmutableRecordConflict extends TaskAssistantError {
  readonly exitCode = 2 as const;
  readonly recordPath: string;

  constructor(recordPath: string, options: { hint?: string; cause?: unknown } = {}) {
    super(`a different telemetry record already exists at ${recordPath}; records are immutable`, {
      hint: options.hint ?? "use a new correlation id for a new run; the stored record was not changed",
      cause: options.cause,
    });
    this.recordPath = recordPath;
  }
}

/** GitHub, the network, git or the file system failed underneath us. */
export class ExternalError extends TaskAssistantError {
  readonly exitCode = 3 as const;
  /** HTTP status when the failure came from an HTTP API. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** The work ran and did not succeed (preflight failed, an engine reported ok=false). */
export class RunFailedError extends TaskAssistantError {
  readonly exitCode = 1 as const;
}

/** A bug in Task Assistant itself: an invariant did not hold. */
export class InternalError extends TaskAssistantError {
  readonly exitCode = 1 as const;
}

/** The exit code for anything thrown: typed errors carry theirs; anything else is a bug (1). */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof TaskAssistantError ? error.exitCode : 1;
}

/** `file:line:col` (or whatever part of it is known) for a problem, for human-readable output. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.line, problem.line === undefined ? undefined : problem.col]
    .filter((part) => part !== undefined)
    .join(":");
  const pointer = problem.path === "" ? "(document)" : problem.path;
  const head = where === "" ? pointer : `${where} ${pointer}`;
  return `${head}: ${problem.message}${problem.hint ? ` (${problem.hint})` : ""}`;
}
