import { formatProblem, TaskAssistantError, ValidationError } from "../errors.js";
import { requestFailure } from "../github/request-failure.js";
import { capProblems, moreProblems } from "../util/problem-list.js";
import type { CliIO } from "./command.js";

/**
 * Prints an error the way every command reports it: `error: ...`, each problem on its own line,
 * then `hint: ...`. Returns the exit code that belongs to the error's type.
 */
export function reportError(thrown: unknown, io: Pick<CliIO, "stderr" | "env">): number {
  // A request to GitHub that failed is an external failure (exit 3), wherever it surfaced.
  const error = thrown instanceof TaskAssistantError ? thrown : (requestFailure(thrown) ?? thrown);
  if (error instanceof TaskAssistantError) {
    const lines = [`error: ${error.message}`];
    if (error instanceof ValidationError) {
      const { shown, omitted } = capProblems(error.problems);
      lines.push(...shown.map((problem) => `  ${formatProblem(problem)}`));
      if (omitted > 0) lines.push(`  ${moreProblems(omitted)}`);
    }
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (io.env.TASK_ASSISTANT_DEBUG && error.cause !== undefined)
      lines.push(`cause: ${String(describe(error.cause))}`);
    io.stderr(`${lines.join("\n")}\n`);
    return error.exitCode;
  }
  io.stderr(
    `internal error: ${describe(error)}\nhint: this is a bug in task-assistant; please report it with the command you ran\n`,
  );
  return 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
