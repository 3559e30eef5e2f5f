import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { formatProblem, UsageError, ValidationError } from "../../errors.js";
import { readRecordsFromApi } from "../../telemetry/read-records-api.js";
import { readRecordsFromDir } from "../../telemetry/read-records.js";
import { validateRecords } from "../../telemetry/validate-records.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { repoFlag, telemetryGitHub } from "./telemetry-github.js";

const COMMAND = "telemetry validate";
const TELEMETRY_TREE = "telemetry/v1";

/**
 * `task-assistant telemetry validate DIR | --repo O/T [--ref REF] [--json]`: checks every file under
 * `telemetry/v1/repos/` of a checkout or of the repository on GitHub. Exit 0 when clean, 2 when any
 * problem was found (each printed with its file).
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { repo: { type: "string" }, ref: { type: "string" }, json: { type: "boolean" } },
    COMMAND,
    { max: 1 },
  );
  const dir = positionals[0];
  if ((dir === undefined) === (values.repo === undefined)) {
    throw new UsageError("pass either a checkout directory or --repo owner/name", {
      hint: `see \`task-assistant ${COMMAND} --help\``,
    });
  }
  let entries;
  let where: string;
  if (dir !== undefined) {
    const root = resolve(io.cwd, dir);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new UsageError(`${dir} is not a directory`, {
        hint: "pass the telemetry repository checkout's top directory",
      });
    }
    // A directory without telemetry/v1/ is not a telemetry repository checkout: "0 problems" there
    // would read as a clean bill of health for records that were never looked at.
    const tree = await stat(join(root, TELEMETRY_TREE)).catch(() => undefined);
    if (!tree?.isDirectory()) {
      throw new UsageError(
        `${dir} holds no ${TELEMETRY_TREE}/ directory: it is not a telemetry repository checkout`,
        {
          hint: `pass the top directory of a checkout of the org's telemetry repository (the one holding ${TELEMETRY_TREE}/)`,
        },
      );
    }
    entries = readRecordsFromDir(root);
    where = dir;
  } else {
    const repo = repoFlag(values.repo, "repo", COMMAND);
    where = `${repo.owner}/${repo.repo}${values.ref ? `@${values.ref}` : ""}`;
    entries = readRecordsFromApi(
      await telemetryGitHub(io.env, io.signal, "read", (line) => io.stderr(line)),
      {
        repo: `${repo.owner}/${repo.repo}`,
        ...(values.ref ? { ref: values.ref } : {}),
      },
    );
  }

  const report = await validateRecords(
    entries,
    values.json ? undefined : (problem) => io.stdout(`${formatProblem(problem)}\n`),
  );
  if (values.json) io.stdout(jsonOut({ ok: report.problems.length === 0, source: where, ...report }));
  else {
    io.stdout(
      `${where}: ${report.record_files} record file${report.record_files === 1 ? "" : "s"}, ${report.valid_records} valid, ${report.unexpected} unexpected entr${report.unexpected === 1 ? "y" : "ies"}, ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}\n`,
    );
  }
  if (report.problems.length > 0) {
    // The problems are already on stdout; the error only carries the verdict and the exit code.
    throw new ValidationError(
      `the telemetry tree in ${where} has ${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}`,
      [],
      {
        hint: "records are immutable: move invalid or unexpected files out in a reviewed commit rather than editing them",
      },
    );
  }
  return 0;
}
