import { appendFile, open, type FileHandle } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { ExternalError, UsageError, ValidationError, type Problem } from "../../errors.js";
import { HOST_CONFIG_PATH, type HostConfig } from "../../config/config-model.js";
import { validateConfig } from "../../config/validate-config.js";
import { DEFAULT_YAML_LIMITS, fileTooLargeProblem } from "../../config/yaml-limits.js";
import { capProblems, countProblems, moreProblems } from "../../util/problem-list.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { formatAnnotation, formatStepSummary } from "./actions-output.js";

const COMMAND = "config validate";

/**
 * `task-assistant config validate [FILE] [--json]`: exit 0 when the file is a valid config v1,
 * 2 with every problem (`file:line:col`, JSON pointer, fix) when it is not. Inside GitHub Actions
 * it also annotates the file and appends a table to the job summary.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } }, COMMAND, { max: 1 });
  const file = positionals[0] ?? HOST_CONFIG_PATH;
  const shown = displayPath(file, io);
  const read = await readConfigFile(resolve(io.cwd, file), file, shown);
  const result = "tooLarge" in read ? undefined : validateConfig(read.text, { file: shown });
  const problems =
    "tooLarge" in read
      ? [read.tooLarge]
      : result !== undefined && "errors" in result
        ? result.errors.map(({ rule: _rule, ...problem }) => problem)
        : [];
  const { shown: listed, omitted } = capProblems(problems);

  if (io.env.GITHUB_ACTIONS === "true") {
    for (const problem of listed) io.stdout(formatAnnotation(problem, shown));
    if (omitted > 0)
      io.stdout(formatAnnotation({ path: "", message: `${moreProblems(omitted)} problems` }, shown));
    const summaryFile = io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await appendFile(summaryFile, formatStepSummary(shown, problems), "utf8");
  }
  if (values.json) {
    io.stdout(
      jsonOut(
        problems.length === 0
          ? { ok: true, file: shown, errors: [] }
          : { ok: false, file: shown, errors: listed, ...(omitted > 0 ? { errors_omitted: omitted } : {}) },
      ),
    );
  } else if (result !== undefined && "value" in result) {
    io.stdout(`${shown}: valid (${describe(result.value)})\n`);
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `${shown} is not a valid Task Assistant config (${countProblems(problems.length)})`,
      problems,
      {
        hint: "fix each problem at the position shown; the schema in schemas/task-assistant.config.v1.schema.json lets editors check as you type",
      },
    );
  }
  return 0;
}

/**
 * The file's text, or the size problem when it is over the limit: a regular file by its size,
 * before reading anything; anything else (a pipe, a device) by reading one byte past the limit.
 */
async function readConfigFile(
  path: string,
  file: string,
  shown: string,
): Promise<{ text: string } | { tooLarge: Problem }> {
  const maxBytes = DEFAULT_YAML_LIMITS.maxBytes;
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (stat.isFile() && stat.size > maxBytes)
      return { tooLarge: fileTooLargeProblem(shown, stat.size, maxBytes) };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return { tooLarge: fileTooLargeProblem(shown, undefined, maxBytes) };
    }
    return { text: buffer.toString("utf8", 0, length).replace(/^\uFEFF/, "") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new UsageError(`${file} does not exist`, {
        hint: `pass the config file's path, or run from the repository root (default: ${HOST_CONFIG_PATH})`,
      });
    }
    if (code === "EISDIR")
      throw new UsageError(`${file} is a directory`, { hint: "pass the config file's path" });
    throw new ExternalError(`could not read ${file}: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/** The path annotations and messages use: relative to the workspace in Actions, as given otherwise. */
function displayPath(file: string, io: CliIO): string {
  const workspace = io.env.GITHUB_WORKSPACE;
  const absolute = resolve(io.cwd, file);
  const shown =
    workspace && !relative(workspace, absolute).startsWith("..") ? relative(workspace, absolute) : file;
  return (isAbsolute(shown) ? shown : shown.split(sep).join("/")) || file;
}

function describe(config: HostConfig): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const groups = Object.keys(config.enforcement?.exclusivity ?? {});
  const enforcement =
    config.enforcement === undefined
      ? "no enforcement"
      : `enforcement: ${groups.length > 0 ? groups.join(", ") : "milestones only"}`;
  return [
    count(config.tracks.length, "track"),
    count(config.labels.length, "label"),
    count(config.milestones.length, "milestone"),
    enforcement,
  ].join(", ");
}
