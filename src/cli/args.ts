import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Strict argument parsing for one command: unknown flags, missing values and surplus positionals are
 * refused with a `UsageError` that names the flag and points at `--help`.
 */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
  command: string,
  positionals: { min?: number; max?: number } = {},
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError: /, ""), {
      hint: `run \`task-assistant ${command} --help\` for the options`,
      cause: error,
    });
  }
  const { min = 0, max = 0 } = positionals;
  if (parsed.positionals.length < min) {
    throw new UsageError(`missing argument${min > 1 ? "s" : ""}`, {
      hint: `see \`task-assistant ${command} --help\``,
    });
  }
  if (parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument: ${parsed.positionals[max]}`, {
      hint: `see \`task-assistant ${command} --help\``,
    });
  }
  return parsed;
}

/** The value of a required string flag, or a UsageError naming it. */
export function requireFlag(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value.trim() === "") {
    throw new UsageError(`--${flag} is required`, { hint: `see \`task-assistant ${command} --help\`` });
  }
  return value;
}

/** Writes `value` as pretty JSON with a trailing newline. */
export function jsonOut(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
