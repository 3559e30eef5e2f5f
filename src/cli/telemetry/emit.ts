import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ExternalError, type Problem, UsageError, ValidationError } from "../../errors.js";
import { checkEngineResult } from "../../telemetry/check-record.js";
import { buildEnvelope, serializeRecord, type TelemetrySource } from "../../telemetry/envelope.js";
import { emitRecord } from "../../telemetry/emit-engine.js";
import { findRunDate } from "../../telemetry/find-run-date.js";
import { planEmit } from "../../telemetry/plan-emit.js";
import { parseDeadline } from "../../telemetry/parse-deadline.js";
import { isValidCorrelationId, isValidEngineName, recordPath } from "../../telemetry/record-path.js";
import { keepUnwrittenRecord } from "../../telemetry/unwritten-record.js";
import { DEFAULT_DEADLINE_MS } from "../../telemetry/retry-policy.js";
import { formatDuration } from "../../telemetry/write-attempts.js";
import { resultFileOutcome, resultOutcome, type ResultOutcome } from "../../telemetry/result-outcome.js";
import { jsonErrorOffset, lineAndColumn } from "../../util/json-error-offset.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { repoFlag, telemetryGitHub } from "./telemetry-github.js";

const COMMAND = "telemetry emit";

/**
 * `task-assistant telemetry emit`: turns an engine's result file into its one telemetry record and
 * stores it through emit-engine. A missing, empty or invalid result still yields one ok=false
 * record. Exit 0 once the record is stored (created, or already there with the same bytes), 2 on
 * refused input or an immutable-record conflict, 3 when GitHub could not take the write.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      engine: { type: "string" },
      "target-repo": { type: "string" },
      "telemetry-repo": { type: "string" },
      "correlation-id": { type: "string" },
      "engine-ref": { type: "string" },
      result: { type: "string" },
      job: { type: "string" },
      "generated-at": { type: "string" },
      deadline: { type: "string" },
    },
    COMMAND,
  );
  const engine = requireFlag(values.engine, "engine", COMMAND).trim();
  if (!isValidEngineName(engine)) {
    throw new UsageError(`--engine ${JSON.stringify(engine)} is not an engine name`, {
      hint: "use lowercase words joined by hyphens, e.g. validate or self-test",
    });
  }
  const target = repoFlag(values["target-repo"], "target-repo", COMMAND);
  const telemetryRepo = repoFlag(values["telemetry-repo"], "telemetry-repo", COMMAND);
  const correlationId = requireFlag(values["correlation-id"], "correlation-id", COMMAND).trim();
  if (!isValidCorrelationId(correlationId)) {
    throw new UsageError(`--correlation-id ${JSON.stringify(correlationId)} is not a valid correlation id`, {
      hint: "start with a letter or digit, then letters, digits, '.', '_' or '-', at most 128 characters",
    });
  }
  const engineRef = requireFlag(values["engine-ref"], "engine-ref", COMMAND).trim();
  const resultFile = requireFlag(values.result, "result", COMMAND);
  const job = values.job?.trim() || engine;

  const generatedAt = runTime(values["generated-at"], io.env);
  const deadlineMs = writeDeadline(values.deadline, io.env);
  const outcome = await readOutcome(resolve(io.cwd, resultFile), resultFile, engine, engineRef);
  const record = buildEnvelope({
    generated_at: generatedAt,
    correlation_id: correlationId,
    engine_name: engine,
    engine_ref: engineRef,
    target_repo: `${target.owner}/${target.repo}`,
    source: sourceFromEnv(io.env, engine, job),
    ok: outcome.ok,
    reason: outcome.reason,
    details: outcome.details,
  });

  const telemetryName = `${telemetryRepo.owner}/${telemetryRepo.repo}`;
  // Refusals (another org's telemetry repository, the monitored repository itself, an invalid
  // record) come before any request, the run-date lookup included.
  planEmit({ telemetry_repo: telemetryName, record });
  const github = await telemetryGitHub(io.env, io.signal, "write", (line) => io.stderr(line));
  const started = Date.now();
  // The run's directory: preflight's day (no request for preflight itself), else one lookup.
  const runDate = await findRunDate(github, telemetryName, record, {
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    warn: (line) => io.stderr(`warning: ${line}\n`),
  });
  let result;
  try {
    result = await emitRecord(
      github,
      { telemetry_repo: telemetryName, record, run_date: runDate },
      {
        signal: io.signal,
        deadlineMs,
        onRetry: (event) =>
          io.stderr(
            `telemetry write waiting ${formatDuration(event.waitMs)} before attempt ${event.attempt + 1} (${event.status ?? "no answer"}, ${event.cause}; ${formatDuration(Date.now() - started)} spent, ${formatDuration(Math.max(0, event.remainingMs))} left of the ${formatDuration(deadlineMs)} deadline)\n`,
          ),
      },
    );
  } catch (error) {
    // Interrupted by a signal: the command stops as asked, nothing to keep (the job is ending).
    if (!(error instanceof ExternalError) || io.signal?.aborted === true) throw error;
    const path = recordPath({
      owner: target.owner,
      repo: target.repo,
      date: runDate,
      correlation_id: record.correlation_id,
      engine_name: record.engine_name,
    });
    throw await unwritten(error, telemetryName, path, serializeRecord(record), io);
  }
  const how = result.outcome === "created" ? "created" : "already stored with the same bytes";
  io.stdout(
    `${telemetryRepo.owner}/${telemetryRepo.repo}:${result.path} ${how} (ok=${String(record.ok)}, ${result.attempts} attempt${result.attempts === 1 ? "" : "s"})\n`,
  );
  if (!record.ok) io.stderr(`note: the record says ok=false: ${record.event.reason ?? ""}\n`);
  return 0;
}

/**
 * GitHub did not take the record: its bytes go to a file (named in the job summary on Actions) and
 * the error names the record's path, the reason and that file. Still exit 3.
 */
async function unwritten(
  error: ExternalError,
  telemetryRepo: string,
  path: string,
  text: string,
  io: CliIO,
): Promise<ExternalError> {
  const summaryFile = io.env.GITHUB_STEP_SUMMARY?.trim() || undefined;
  const kept = await keepUnwrittenRecord({
    dir: io.env.RUNNER_TEMP?.trim() || io.cwd,
    telemetryRepo,
    path,
    text,
    reason: error.message,
    ...(summaryFile === undefined ? {} : { summaryFile }),
  });
  return new ExternalError(
    `the telemetry record ${telemetryRepo}:${path} was not written: ${error.message}; its bytes are kept in ${kept.file}${kept.summary === undefined ? "" : " (named in the job summary)"}`,
    { status: error.status, hint: error.hint, cause: error },
  );
}

/**
 * How long a write may keep trying: --deadline, else TASK_ASSISTANT_TELEMETRY_DEADLINE, else ten
 * minutes.
 */
function writeDeadline(flag: string | undefined, env: CliIO["env"]): number {
  const fromEnv = env.TASK_ASSISTANT_TELEMETRY_DEADLINE?.trim();
  const [text, where] =
    flag !== undefined ? [flag, "--deadline"] : fromEnv ? [fromEnv, "TASK_ASSISTANT_TELEMETRY_DEADLINE"] : [];
  if (text === undefined || where === undefined) return DEFAULT_DEADLINE_MS;
  const ms = parseDeadline(text);
  if (ms === undefined) {
    throw new UsageError(`${where} ${JSON.stringify(text)} is not a duration`, {
      hint: "write e.g. 10m, 90s or 1500ms (a bare number is seconds)",
    });
  }
  return ms;
}

/**
 * Reads the result file. A file that is missing or empty means the engine wrote no result: that is
 * the engine's failure, recorded as an ok=false record. A file with content that is not UTF-8 JSON
 * of the engine result's shape is refused (exit 2) before anything is written, and the error names
 * the file and the position but never quotes the content: it may be anything, a token included.
 */
async function readOutcome(
  path: string,
  shown: string,
  engine: string,
  engineRef: string,
): Promise<ResultOutcome> {
  const stub = { engine_name: engine, version: engineRef };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return resultFileOutcome({ ...stub, file: shown, bytes: undefined });
    throw new UsageError(`cannot read the result file ${shown}${code ? ` (${code})` : ""}`, {
      hint: "pass --result the engine's result JSON file",
      cause: error,
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw refused(shown, [{ path: "", file: shown, message: "is not UTF-8 text" }]);
  }
  if (text.trim() === "") return resultFileOutcome({ ...stub, file: shown, bytes: text });
  const offset = jsonErrorOffset(text);
  if (offset !== undefined) {
    const { line, col } = lineAndColumn(text, offset);
    throw refused(shown, [{ path: "", file: shown, line, col, message: "is not valid JSON here" }]);
  }
  const value: unknown = JSON.parse(text);
  const problems = checkEngineResult(value);
  if (problems.length > 0)
    throw refused(
      shown,
      problems.map((problem) => ({ ...problem, file: shown })),
    );
  return resultOutcome(value, stub, `result file ${shown}`);
}

function refused(shown: string, problems: Problem[]): ValidationError {
  return new ValidationError(
    `the result file ${shown} is not an engine result; nothing was written`,
    problems,
    {
      hint: "pass the JSON the engine wrote: { tool, version, ok, summary, checks, actions } (DESIGN §5.5)",
    },
  );
}

/**
 * The record's `generated_at`: `--generated-at`, else `TASK_ASSISTANT_GENERATED_AT` (a workflow sets
 * it once per run), else now. Never the result file's modification time: rewriting the file must not
 * change the record, so emitting the same run again stays idempotent.
 */
function runTime(flag: string | undefined, env: CliIO["env"]): Date {
  if (flag !== undefined) return parseTime(flag, "--generated-at");
  const fromEnv = env.TASK_ASSISTANT_GENERATED_AT?.trim();
  if (fromEnv) return parseTime(fromEnv, "TASK_ASSISTANT_GENERATED_AT");
  return new Date();
}

/** Where the run happened: GitHub Actions (`GITHUB_ACTIONS=true`) or a local command line. */
export function sourceFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  engine: string,
  job: string,
): TelemetrySource {
  if (env.GITHUB_ACTIONS === "true") {
    const digits = (value: string | undefined) =>
      value !== undefined && /^[0-9]+$/.test(value) ? value : undefined;
    const runId = digits(env.GITHUB_RUN_ID);
    const runAttempt = digits(env.GITHUB_RUN_ATTEMPT);
    return {
      runner: "github-actions",
      workflow: env.GITHUB_WORKFLOW?.trim() || `engine-${engine}`,
      job,
      ...(runId === undefined ? {} : { run_id: runId }),
      ...(runAttempt === undefined ? {} : { run_attempt: runAttempt }),
    };
  }
  return { runner: "local", workflow: `engine-${engine}`, job };
}

function parseTime(text: string, where: string): Date {
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new UsageError(`${where} ${JSON.stringify(text)} is not an ISO 8601 time`, {
      hint: "write e.g. 2026-11-21T22:37:56.123Z",
    });
  }
  return instant;
}
