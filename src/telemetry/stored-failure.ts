import { ExternalError, TaskAssistantError } from "../errors.js";
import { unreachableCode } from "../github/request-failure.js";

/**
 * Describes a thrown error for an immutable record's reason using only safe facts: its type, an
 * HTTP status, a network error code. Never its message: messages can carry whatever input the
 * error was built from (a parser quoting a file, a server echoing a request), and a record is
 * stored for good. Pure.
 *
 * @example storedFailure(new TypeError("x of ghp_SECRET")) // → "an unexpected TypeError"
 */
export function storedFailure(error: unknown): string {
  if (!(error instanceof Error)) return "a value that is not an error was thrown";
  if (error.name === "AbortError") return "it was interrupted";
  const status = (error as { status?: unknown }).status;
  if (error.name === "HttpError" && typeof status === "number") {
    if ((error as { response?: unknown }).response !== undefined) return `GitHub answered HTTP ${status}`;
    const code = unreachableCode(error);
    return `GitHub could not be reached${code ? ` (${code})` : ""}`;
  }
  if (error instanceof ExternalError)
    return error.status === undefined ? error.name : `${error.name} (HTTP ${error.status})`;
  if (error instanceof TaskAssistantError) return error.name;
  return `an unexpected ${error.name}`;
}
