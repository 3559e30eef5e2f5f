import type { TelemetrySource } from "../telemetry/envelope.js";
import { parseRecordPath } from "../telemetry/record-path.js";
import type { Clock } from "../util/clock.js";
import type { Check, EngineName } from "./engine.js";
import type { EngineCatalog } from "./engine-catalog.js";
import { runPreflight, type PreflightInput } from "./preflight.js";
import type { RecordWriter } from "./record-writer.js";
import type { LoadedRegistry } from "./registry-source.js";
import { runEngine, writeOutcome, type EngineOutcome } from "./run-engine.js";
import type { RepoClient, RunCredentials } from "./run-credentials.js";
import type { RunPlan } from "./run-plan.js";
import type { LoopGuard } from "../enforcement/circuit-breaker.js";

export interface RecordDeps {
  readonly credentials: RunCredentials;
  readonly writer: RecordWriter;
  readonly clock: Clock;
  /** The `source` block of each record (local runner, or the Actions workflow/job/run). */
  readonly source: (engine: EngineName) => TelemetrySource;
  readonly version: string;
  /** Where the whole message of an engine's failure goes (never into a record). */
  readonly warn?: (line: string) => void;
}

export interface RunDeps extends RecordDeps {
  readonly registry: LoadedRegistry;
  readonly catalog: EngineCatalog;
  /** The loop guard enforce applies (our bot, the circuit breaker's limits). */
  readonly loop_guard?: LoopGuard;
}

export interface PreflightReport extends EngineOutcome {
  /** Every failing check as `id: why`; null when preflight passed. */
  readonly reason: string | null;
  readonly checks: readonly Check[];
  /** The telemetry repository the engines will write to (when resolved). */
  readonly telemetry_repo: string | undefined;
  /** Engines may start: every check passed and the preflight record was written. */
  readonly passed: boolean;
  /** The client that writes the run's records (reaches only the telemetry repository). */
  readonly record_client: RepoClient | undefined;
}

export interface RunReport {
  readonly plan: RunPlan;
  /** Preflight passed, its record and every engine's record were written, and every engine said ok. */
  readonly ok: boolean;
  /** No engine started: preflight failed, or its record could not be written. */
  readonly halted: boolean;
  readonly telemetry_repo: string | undefined;
  readonly preflight: Omit<PreflightReport, "record_client">;
  /** The engines after preflight that ran, in order (empty when halted). */
  readonly engines: readonly EngineOutcome[];
}

/**
 * Runs preflight and writes its record: ok=true or ok=false, whenever a telemetry repository in the
 * target's org was resolved and may be written. When there is none, nothing is written anywhere and
 * the report says why (the caller prints it).
 */
export async function recordPreflight(
  plan: PreflightInput["plan"],
  deps: RecordDeps & { readonly registry: LoadedRegistry },
): Promise<PreflightReport> {
  const preflight = await runPreflight({
    plan,
    registry: deps.registry,
    credentials: deps.credentials,
    version: deps.version,
  });
  const recordClient = preflight.telemetry_client;
  const common = {
    reason: preflight.reason,
    checks: preflight.result.checks,
    telemetry_repo: preflight.telemetry_repo,
    record_client: recordClient,
  };
  if (preflight.record_repo === undefined || recordClient === undefined) {
    return {
      engine: "preflight",
      ok: false,
      summary: preflight.result.summary,
      record: "failed",
      record_error: `not recorded: there is no telemetry repository preflight may write to (${firstFailure(preflight.result.checks, "telemetry.")})`,
      passed: false,
      ...common,
    };
  }
  const outcome = await writeOutcome(
    "preflight",
    { ok: preflight.ok, reason: preflight.reason, details: preflight.result },
    plan,
    preflight.record_repo,
    { ...deps, recordClient },
  );
  return { ...outcome, passed: preflight.ok && outcome.record !== "failed", ...common };
}

/**
 * Executes a plan (seed §2): preflight first; if it fails, or its record cannot be written, no engine
 * starts. Otherwise the plan's engines run one after another, each isolated from the others'
 * failures, each leaving exactly one record in the same correlation directory, all with the plan's
 * engine_ref.
 */
export async function executeRun(plan: RunPlan, deps: RunDeps): Promise<RunReport> {
  const { record_client: recordClient, ...preflight } = await recordPreflight(plan, deps);
  if (!preflight.passed || recordClient === undefined || preflight.telemetry_repo === undefined) {
    return {
      plan,
      ok: false,
      halted: true,
      telemetry_repo: preflight.telemetry_repo,
      preflight,
      engines: [],
    };
  }
  const telemetryRepo = preflight.telemetry_repo;
  // Preflight's day is the run's: every engine's record goes under it, also after midnight.
  const runDate =
    preflight.record_path === undefined ? undefined : parseRecordPath(preflight.record_path)?.date;
  const engines: EngineOutcome[] = [];
  for (const name of plan.engines) {
    if (name === "preflight") continue;
    engines.push(
      await runEngine(name, plan, telemetryRepo, {
        ...deps,
        recordClient,
        ...(runDate === undefined ? {} : { runDate }),
      }),
    );
  }
  return {
    plan,
    ok: engines.every((outcome) => outcome.ok && outcome.record !== "failed"),
    halted: false,
    telemetry_repo: telemetryRepo,
    preflight,
    engines,
  };
}

function firstFailure(checks: readonly Check[], prefix: string): string {
  const failed = checks.find((check) => check.id.startsWith(prefix) && check.outcome === "FAIL");
  if (failed === undefined) return "unknown";
  const message = (failed.details as { message?: unknown } | undefined)?.message;
  return `${failed.id}: ${typeof message === "string" ? message : "failed"}`;
}
