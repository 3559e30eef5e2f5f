import { ExternalError, formatProblem, UsageError } from "../../errors.js";
import { requestFailure } from "../../github/request-failure.js";
import { classifyRecordFile } from "../../telemetry/classify-record-file.js";
import { parseRecordPath } from "../../telemetry/record-path.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { repoFlag, telemetryGitHub } from "./telemetry-github.js";

const COMMAND = "telemetry show";

/**
 * `task-assistant telemetry show PATH --repo O/T [--ref REF]`: prints the stored record exactly as
 * stored; problems with it (if any) go to stderr.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { repo: { type: "string" }, ref: { type: "string" } },
    COMMAND,
    { min: 1, max: 1 },
  );
  const repo = repoFlag(values.repo, "repo", COMMAND);
  const path = positionals[0].replace(/^\/+/, "");
  if (parseRecordPath(path) === undefined) {
    throw new UsageError(`${positionals[0]} is not a telemetry record path`, {
      hint: "record paths look like telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine>.json",
    });
  }
  const github = await telemetryGitHub(io.env, io.signal, "read", (line) => io.stderr(line));
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ...(values.ref ? { ref: values.ref } : {}),
    }));
  } catch (error) {
    if (isRequestStatus(error, 404)) {
      throw new ExternalError(`no record at ${path} in ${repo.owner}/${repo.repo} (HTTP 404)`, {
        status: 404,
        hint: `list what is there with \`task-assistant telemetry list --repo ${repo.owner}/${repo.repo}\`; a token that cannot read the repository also gets 404`,
        cause: error,
      });
    }
    throw requestFailure(error) ?? error;
  }
  const file = data as { type?: string; content?: string; encoding?: string; sha?: string };
  if (file.type !== "file" || file.sha === undefined) {
    throw new UsageError(`${path} in ${repo.owner}/${repo.repo} is not a file`);
  }
  let bytes: Buffer;
  if (file.encoding === "base64" && file.content) bytes = Buffer.from(file.content, "base64");
  else {
    const blob = await github.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: file.sha });
    bytes = Buffer.from(blob.data.content, "base64");
  }
  io.stdout(bytes.toString("utf8"));
  const entry = classifyRecordFile(path, bytes);
  if (entry.kind !== "record") {
    for (const problem of entry.problems) io.stderr(`warning: ${formatProblem(problem)}\n`);
  }
  return 0;
}

function isRequestStatus(error: unknown, status: number): boolean {
  return (
    error instanceof Error &&
    error.name === "HttpError" &&
    (error as { status?: unknown; response?: unknown }).status === status &&
    (error as { response?: unknown }).response !== undefined
  );
}
