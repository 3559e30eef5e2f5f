import { appendFileSync } from "node:fs";
import { ExternalError, PolicyError, UsageError } from "../../errors.js";
import {
  FAILURE_CAUSES,
  failureReason,
  isFailureCause,
  type FailureCause,
} from "../../runtime/engine-failure-cause.js";
import { createEngineCatalog } from "../../runtime/engine-catalog.js";
import { ENGINE_NAMES, type Check, type EngineName } from "../../runtime/engine.js";
import { levelsOf, RECORD_ACCESS } from "../../runtime/engine-access.js";
import { checkEngineRef } from "../../runtime/engine-ref-policy.js";
import { attemptCorrelationId, normalizeCorrelationId } from "../../runtime/correlation-id.js";
import { recordPreflight } from "../../runtime/execute-run.js";
import { enginesForMode } from "../../runtime/mode-engines.js";
import { dryRunRecordWriter, emitRecordWriter } from "../../runtime/record-writer.js";
import { parseRepoName, sameOwner } from "../../runtime/repo-name.js";
import { recordEngineFailure } from "../../runtime/record-engine-failure.js";
import { registryRefusal } from "../../runtime/preflight-refusal.js";
import { runEngine, type EngineOutcome } from "../../runtime/run-engine.js";
import { RUN_MODES, RUNTIME_MODES, type RunMode, type RuntimeMode } from "../../runtime/run-plan.js";
import { systemClock } from "../../util/clock.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { appendStepSummary, readActionsEnv, recordSource, writeStepOutputs } from "./actions-env.js";
import { outcomeMarkdown, outcomeTable } from "./format-run-report.js";
import { githubAccessFromEnv } from "./github-access.js";
import { resolveLoopGuard } from "./loop-guard-settings.js";
import { packageVersion } from "./package-info.js";
import { readChosenRegistry, registryChoice } from "./registry-flags.js";

const FLAGS = {
  "target-repo": { type: "string" },
  "telemetry-repo": { type: "string" },
  "correlation-id": { type: "string" },
  "engine-ref": { type: "string" },
  "runtime-mode": { type: "string" },
  issue: { type: "string" },
  "label-added": { type: "string" },
  "max-writes": { type: "string" },
  "config-ref": { type: "string" },
  mode: { type: "string" },
  "record-failure": { type: "string" },
  "app-slug": { type: "string" },
  "breaker-runs": { type: "string" },
  "breaker-minutes": { type: "string" },
  registry: { type: "string" },
  "infra-repo": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

const COMMAND = "engine run";

/**
 * `task-assistant engine run NAME`: one engine and its one record, what each engine workflow runs.
 * `preflight` additionally resolves the telemetry repository and reports `ok` and `telemetry_repo`
 * as step outputs for the engine jobs. Exit 0 ok, 1 the engine (or preflight) failed or its record
 * could not be written, 2 refused.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, FLAGS, COMMAND, { min: 1, max: 1 });
  const name = positionals[0] as EngineName;
  if (!ENGINE_NAMES.includes(name))
    throw new UsageError(`unknown engine "${positionals[0]}"`, {
      hint: `engines: ${ENGINE_NAMES.join(", ")}`,
    });
  const target = repoFlag(values["target-repo"], "target-repo");
  const correlation = normalizeCorrelationId(flag(values["correlation-id"], "correlation-id"));
  if (!correlation.ok)
    throw new UsageError(`--correlation-id: ${correlation.message}`, { hint: correlation.hint });
  const engineRef = flag(values["engine-ref"], "engine-ref").trim();
  const runtimeMode = runtimeModeFlag(values["runtime-mode"]);
  const issue = issueFlag(values.issue, name === "enforce");
  // The label an issues.labeled event added; an empty value (other events) means none.
  const labelAdded = values["label-added"]?.trim() || undefined;
  const maxWrites = maxWritesFlag(values["max-writes"]);
  const actions = readActionsEnv(io.env);
  // A re-run attempt writes its own records, never beside an earlier attempt's.
  const correlationId = attemptCorrelationId(correlation.value, actions.run);
  if (correlationId !== correlation.value)
    io.stderr(
      `note: run attempt ${actions.run?.run_attempt ?? ""} writes its record under correlation id ${correlationId} (given ${correlation.value})\n`,
    );
  const version = await packageVersion();
  const writer = values["dry-run"] ? dryRunRecordWriter : emitRecordWriter({ signal: io.signal });
  const source = recordSource(actions, (engine) => `engine-${engine}`);

  if (forkPullRequestJob(io.env)) {
    // GitHub gives a fork's pull request no ID token, so the broker can give it no token: not a fault.
    const notice =
      "This pull request comes from a fork: GitHub gives its jobs no OIDC token, so Task Assistant does not run on it. Nothing was checked or written; the configuration is validated when the change reaches the default branch.";
    io.stdout(`${notice}\n`);
    await writeStepOutputs(
      actions,
      name === "preflight" ? { ok: "false", telemetry_repo: "" } : { ok: "false" },
    );
    await appendStepSummary(actions, `### Task Assistant: ${name}\n\n${notice}\n`);
    return 0;
  }

  if (name === "preflight") {
    const mode = modeFlag(values.mode);
    const choice = registryChoice(values, io.env, COMMAND);
    const access = await githubAccessFromEnv(io.env, io.signal, (line) => io.stderr(line));
    refuseDevelopmentThroughBroker(access.source.kind, runtimeMode);
    const registry = await readChosenRegistry(choice, access, io.cwd, target);
    const { record_client: _client, ...report } = await recordPreflight(
      {
        target_repo: target,
        mode,
        engines: enginesForMode(mode),
        engine_ref: engineRef,
        runtime_mode: runtimeMode,
        engine_ref_policy: checkEngineRef(engineRef, runtimeMode),
        correlation_id: correlationId,
        ...(values["config-ref"] ? { config_ref: values["config-ref"] } : {}),
      },
      { credentials: access.credentials, registry, writer, clock: systemClock, source, version },
    );
    await writeStepOutputs(actions, {
      ok: String(report.passed),
      telemetry_repo: report.telemetry_repo ?? "",
    });
    await report_(
      io,
      actions,
      values.json === true,
      report,
      report.passed ? [] : [report.reason ?? report.record_error ?? ""],
    );
    const warnings = checkWarnings(report.checks);
    if (warnings.length > 0) {
      if (values.json !== true) io.stdout(warnings.map((line) => `warning: ${line}\n`).join(""));
      await appendStepSummary(actions, warnings.map((line) => `> [!WARNING]\n> ${line}\n`).join("\n"));
    }
    const refusal = registryRefusal(report);
    if (refusal !== undefined) {
      // The registry decided Task Assistant does not run here: recorded, not a failure of the run.
      const notice = `Task Assistant does not run in ${target}: the registry answers ${refusal.outcome} (${refusal.message}). Preflight recorded this refusal; no engine ran.`;
      io.stdout(`notice: ${notice}\n`);
      await appendStepSummary(actions, `> [!NOTE]\n> ${notice}\n`);
      return 0;
    }
    if (report.record === "failed") io.stderr(`error: ${report.summary}\n  ${report.record_error ?? ""}\n`);
    return report.passed ? 0 : 1;
  }

  const telemetry = repoFlag(values["telemetry-repo"], "telemetry-repo");
  if (!sameOwner(telemetry, target))
    throw new PolicyError(
      `--telemetry-repo ${telemetry} is not in ${target.split("/")[0]}; cross-org telemetry is forbidden`,
      {
        hint: "pass the telemetry repository preflight resolved for this run",
      },
    );
  const verdict = checkEngineRef(engineRef, runtimeMode);
  if (!verdict.ok) throw new PolicyError(verdict.reason, { hint: verdict.hint });

  const failure = failureCauseFlag(values["record-failure"]);
  if (failure === undefined) markStopBySignal(io, actions);
  const access = await githubAccessFromEnv(io.env, io.signal, (line) => io.stderr(line));
  refuseDevelopmentThroughBroker(access.source.kind, runtimeMode);
  const [owner] = target.split("/");
  let recordClient;
  try {
    recordClient = await access.credentials.clientFor(
      owner,
      [telemetry.split("/")[1]],
      levelsOf(RECORD_ACCESS),
    );
  } catch (error) {
    if (!(error instanceof ExternalError)) throw error;
    // The recorder step after this one names the cause from this output.
    if (failure === undefined && io.signal?.aborted !== true)
      await writeStepOutputs(actions, { stopped_by: "token" });
    throw new ExternalError(`no token can write ${name}'s record to ${telemetry}: ${error.message}`, {
      status: error.status,
      hint: "the engine was not started: without a record it must not run",
      cause: error,
    });
  }
  if (failure !== undefined) {
    // The engine's step did not finish: give it its ok=false record unless it wrote its own.
    const recorded = await recordEngineFailure(
      name,
      failureReason(name, failure),
      { target_repo: target, correlation_id: correlationId, engine_ref: engineRef },
      telemetry,
      { recordClient, writer, clock: systemClock, source, version },
    );
    if (recorded.kind === "failed")
      throw new ExternalError(`${name}'s failure record could not be written: ${recorded.error}`);
    io.stdout(
      recorded.kind === "already-recorded"
        ? `${name} had already written its own record; it stands\n`
        : `${name} did not finish (${failure}); its ok=false record: ${recorded.outcome.record_path ?? ""}\n`,
    );
    return 0;
  }
  const outcome = await runEngine(
    name,
    {
      target_repo: target,
      correlation_id: correlationId,
      engine_ref: engineRef,
      dry_run: values["dry-run"] === true,
      ...(issue === undefined ? {} : { issue_number: issue }),
      ...(labelAdded === undefined ? {} : { label_added: labelAdded }),
      ...(maxWrites === undefined ? {} : { write_budget: maxWrites }),
      ...(values["config-ref"] ? { config_ref: values["config-ref"] } : {}),
    },
    telemetry,
    {
      catalog: createEngineCatalog(),
      credentials: access.credentials,
      recordClient,
      writer,
      clock: systemClock,
      source,
      version,
      warn: (line) => io.stderr(line),
      ...(name === "enforce" ? { loop_guard: await resolveLoopGuard(values, io.env) } : {}),
    },
  );
  const ok = outcome.ok && outcome.record !== "failed";
  await writeStepOutputs(actions, { ok: String(ok) });
  await report_(
    io,
    actions,
    values.json === true,
    outcome,
    ok ? [] : [outcome.record_error ?? outcome.summary],
  );
  return ok ? 0 : 1;
}

async function report_(
  io: CliIO,
  actions: ReturnType<typeof readActionsEnv>,
  json: boolean,
  outcome: EngineOutcome,
  failures: string[],
): Promise<void> {
  io.stdout(json ? jsonOut(outcome) : `${outcomeTable([outcome]).join("\n")}\n`);
  if (!json && outcome.plan !== undefined) io.stdout(`${outcome.plan.join("\n")}\n`);
  await appendStepSummary(
    actions,
    [
      `### Task Assistant: ${outcome.engine}`,
      "",
      ...outcomeMarkdown([outcome]),
      "",
      ...(outcome.plan === undefined ? [] : ["```", ...outcome.plan, "```", ""]),
      ...failures.filter(Boolean),
      "",
    ].join("\n"),
  );
}

/** Preflight's WARN checks as `id: message` lines (they pass, but name a risk an operator should fix). */
function checkWarnings(checks: readonly Check[]): string[] {
  return checks
    .filter((check) => check.outcome === "WARN")
    .map((check) => {
      const message = (check.details as { message?: unknown } | undefined)?.message;
      return `${check.id}: ${typeof message === "string" ? message : "see the record"}`;
    });
}

/**
 * A job of a fork's pull request on GitHub Actions: the workflow names a broker, but GitHub gave the
 * job no ID token to exchange there (it never does for forks).
 */
function forkPullRequestJob(env: Readonly<Record<string, string | undefined>>): boolean {
  return (
    env.GITHUB_ACTIONS === "true" &&
    (env.GITHUB_EVENT_NAME ?? "").startsWith("pull_request") &&
    Boolean(env.TA_TOKEN_BROKER_URL?.trim()) &&
    !env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim()
  );
}

/**
 * The broker issues tokens to released engine workflows only; development mode (any ref) is for
 * local runs. A job that gets its tokens from the broker and is called with development mode was
 * called by a host that edited its dispatcher: refused before any request, so nothing is written.
 */
function refuseDevelopmentThroughBroker(source: string, runtimeMode: RuntimeMode): void {
  if (source === "broker" && runtimeMode === "development")
    throw new PolicyError(
      "--runtime-mode development is refused for an engine job that gets its tokens from the token broker",
      {
        hint: "engine jobs on GitHub Actions run a release in marketplace mode; reinstall the dispatcher with `task-assistant install --ref vX.Y.Z`",
      },
    );
}

/** `--record-failure CAUSE`: one of the causes the engine workflows' recorder step names. */
function failureCauseFlag(value: string | undefined): FailureCause | undefined {
  if (value === undefined) return undefined;
  const cause = value.trim();
  if (!isFailureCause(cause))
    throw new UsageError(`--record-failure ${JSON.stringify(cause)} is not a cause the record can name`, {
      hint: `pass one of ${FAILURE_CAUSES.join(", ")}`,
    });
  return cause;
}

/**
 * When the runner stops the engine (SIGINT or SIGTERM: a cancellation or the job's timeout), the
 * step output `stopped_by=signal` tells the recorder step that the engine did not crash. Written at
 * once, synchronously: the process may have little time left.
 */
function markStopBySignal(io: CliIO, actions: ReturnType<typeof readActionsEnv>): void {
  const file = actions.outputFile;
  if (file === undefined || io.signal === undefined) return;
  io.signal.addEventListener("abort", () => appendFileSync(file, "stopped_by=signal\n", "utf8"), {
    once: true,
  });
}

function flag(value: string | undefined, name: string): string {
  if (value === undefined || value.trim() === "")
    throw new UsageError(`--${name} is required`, { hint: `see \`task-assistant ${COMMAND} --help\`` });
  return value;
}

function repoFlag(value: string | undefined, name: string): string {
  const text = flag(value, name).trim();
  const parsed = parseRepoName(text);
  if (parsed === undefined)
    throw new UsageError(`--${name} ${JSON.stringify(text)} is not owner/repo`, { hint: "pass OWNER/REPO" });
  return `${parsed.owner}/${parsed.repo}`;
}

function runtimeModeFlag(value: string | undefined): RuntimeMode {
  const mode = value?.trim() || "marketplace";
  if (!RUNTIME_MODES.includes(mode as RuntimeMode))
    throw new UsageError(`--runtime-mode ${mode} is not one of ${RUNTIME_MODES.join(", ")}`, {
      hint: "use marketplace (release tags and SHAs) or development (any ref)",
    });
  return mode as RuntimeMode;
}

function modeFlag(value: string | undefined): RunMode {
  const mode = flag(value, "mode").trim();
  if (!RUN_MODES.includes(mode as RunMode))
    throw new UsageError(`--mode ${mode} is not one of ${RUN_MODES.join(", ")}`, {
      hint: "pass the mode the dispatcher planned",
    });
  return mode as RunMode;
}

function issueFlag(value: string | undefined, needed: boolean): number | undefined {
  const text = value?.trim() ?? "";
  if (text === "") {
    if (needed)
      throw new UsageError("--issue is required for enforce", {
        hint: "pass the issue number the event was for",
      });
    return undefined;
  }
  if (!/^[1-9]\d{0,9}$/.test(text))
    throw new UsageError(`--issue ${JSON.stringify(text)} is not an issue number`, {
      hint: "pass a positive integer",
    });
  return Number(text);
}

function maxWritesFlag(value: string | undefined): number | undefined {
  const text = value?.trim() ?? "";
  if (text === "") return undefined;
  if (!/^[1-9]\d{0,5}$/.test(text))
    throw new UsageError(`--max-writes ${JSON.stringify(text)} is not a positive number of writes`, {
      hint: "pass a whole number from 1 to 999999 (reconcile's default is 400)",
    });
  return Number(text);
}
