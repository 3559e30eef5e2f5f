import { parseArgs, type ParseArgsConfig } from "node:util";
import { didYouMean } from "../config/did-you-mean.js";
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
    throw new UsageError(describeArgsProblem(args, options, error), {
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

/**
 * Says in our own words what is wrong with `args`, naming the flag and the nearest valid one, so
 * Node's `parseArgs` messages (which talk about positionals and `--`) never reach the user.
 * Classified by the error's `code`; the flag is found by reading `args` against `options`.
 */
export function describeArgsProblem(args: readonly string[], options: Options, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const names = Object.keys(options);
  const flags = args.slice(0, args.includes("--") ? args.indexOf("--") : args.length);
  const flagName = (arg: string) => (arg.startsWith("--") ? arg.slice(2).split("=")[0] : undefined);
  const shortName = (short: string) => names.find((name) => options[name].short === short);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    for (const arg of flags) {
      if (!arg.startsWith("-") || arg === "-") continue;
      const name = flagName(arg);
      if (name === undefined) {
        if (
          arg
            .slice(1)
            .split("")
            .every((letter) => shortName(letter) !== undefined)
        )
          continue;
        return `unknown option ${arg}`;
      }
      if (name in options) continue;
      // A cut-short flag (--telemetry for --telemetry-repo) is further off than a typo, but as clear.
      const longer = names.filter((option) => option.startsWith(name));
      const near = didYouMean(name, names) ?? (longer.length === 1 ? longer[0] : undefined);
      return `unknown option --${name}${near === undefined ? "" : ` (did you mean --${near}?)`}`;
    }
    return "unknown option";
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    for (const [index, arg] of flags.entries()) {
      const name = flagName(arg) ?? (arg.length === 2 && arg[0] === "-" ? shortName(arg[1]) : undefined);
      if (name === undefined || !(name in options)) continue;
      const inline = arg.includes("=");
      if (options[name].type === "boolean" && inline) return `--${name} is a switch and takes no value`;
      if (options[name].type === "string" && !inline && index === flags.length - 1)
        return `--${name} needs a value`;
      if (options[name].type === "string" && !inline && flags[index + 1]?.startsWith("-"))
        return `--${name} needs a value (got ${flags[index + 1]}; write --${name}=${flags[index + 1]} if that is the value)`;
    }
    return "an option was given a value it does not take";
  }
  return "the arguments could not be read";
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
