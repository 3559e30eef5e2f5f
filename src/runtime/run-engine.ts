import { ValidationError } from "../errors.js";
import { buildEnvelope, type TelemetryRecord, type TelemetrySource } from "../telemetry/envelope.js";
import { failureOutcome, resultOutcome, type ResultOutcome } from "../telemetry/result-outcome.js";
import { storedFailure } from "../telemetry/stored-failure.js";
import type { Clock } from "../util/clock.js";
import type { EngineContext, EngineName } from "./engine.js";
import { ENGINE_ACCESS, levelsOf, maxLevel, type AccessLevels } from "./engine-access.js";
import type { CatalogEngineName, EngineCatalog } from "./engine-catalog.js";
import type { LoopGuard } from "../enforcement/circuit-breaker.js";
import type { RecordWriter } from "./record-writer.js";
import type { RepoClient, RunCredentials } from "./run-credentials.js";
import type { RunPlan } from "./run-plan.js";

/** One engine's part of a run, as the dispatcher reports it. */
export interface EngineOutcome {
  readonly engine: EngineName;
  /** The record's `ok`. */
  readonly ok: boolean;
  readonly summary: string;
  /** Where the record is (or, in a dry run, would be); absent when it could not be written. */
  readonly record_path?: string;
  readonly record: "created" | "identical" | "not-written" | "failed";
  /** Why the record could not be written. */
  readonly record_error?: string;
  /** The engine's plan as lines a person reads (reconcile's counts and changes), when it gives one. */
  readonly plan?: readonly string[];
}

export interface EngineRunDeps {
  readonly catalog: EngineCatalog;
  /** The loop guard enforce applies (our bot, the circuit breaker's limits); none when absent. */
  readonly loop_guard?: LoopGuard;
  readonly credentials: RunCredentials;
  /** The client that writes records: it reaches only the telemetry repository. */
  readonly recordClient: RepoClient;
  readonly writer: RecordWriter;
  readonly clock: Clock;
  readonly source: (engine: EngineName) => TelemetrySource;
  /** This build's version, for stand-in results. */
  readonly version: string;
  /**
   * Where the whole message of an engine's failure goes (the job log): the record keeps only
   * `storedFailure`'s safe description, so an operator reads the rest here.
   */
  readonly warn?: (line: string) => void;
  /**
   * The run's date directory, preflight's day (DESIGN §5.6): the runner passes it so that every
   * record of the run lands in one directory, even after midnight, without a request.
   */
  readonly runDate?: string;
}

type RunFields = Pick<
  RunPlan,
  "target_repo" | "correlation_id" | "engine_ref" | "dry_run" | "issue_number" | "label_added" | "config_ref"
> & { readonly write_budget?: number };

/**
 * Runs one engine and writes its one record (DESIGN §5.7). Whatever happens — the module does not
 * load, no token can be issued, the engine throws, returns nothing or returns an invalid result —
 * the engine still gets exactly one record, an ok=false one saying why. The engine runs once: if the
 * record write fails after emit-engine's own retries, the engine is not run again.
 */
export async function runEngine(
  name: CatalogEngineName,
  run: RunFields,
  telemetryRepo: string,
  deps: EngineRunDeps,
): Promise<EngineOutcome> {
  const outcome = await engineOutcome(name, run, telemetryRepo, deps);
  const written = await writeOutcome(name, outcome, run, telemetryRepo, deps);
  const plan = (outcome.details as { plan?: unknown }).plan;
  return Array.isArray(plan) && plan.every((line) => typeof line === "string")
    ? { ...written, plan: plan }
    : written;
}

/**
 * Turns an outcome into the engine's record and writes it. Used for engines and for preflight; a
 * record that cannot be built from the result (it should have been caught as an invalid result) is
 * replaced by a stand-in failure record, never dropped.
 */
export async function writeOutcome(
  name: EngineName,
  outcome: ResultOutcome,
  run: Pick<RunPlan, "target_repo" | "correlation_id" | "engine_ref">,
  telemetryRepo: string,
  deps: Pick<EngineRunDeps, "recordClient" | "writer" | "clock" | "source" | "version" | "runDate">,
): Promise<EngineOutcome> {
  let record: TelemetryRecord;
  let final = outcome;
  try {
    record = recordFor(name, outcome, run, deps);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    final = failureOutcome(
      { engine_name: name, version: deps.version },
      `${name}'s result could not be recorded: ${error.problems.length} problem${error.problems.length === 1 ? "" : "s"} with the record`,
      "result.valid",
    );
    record = recordFor(name, final, run, deps);
  }
  const summary = final.details.summary;
  try {
    const written = await deps.writer.write(deps.recordClient.github, telemetryRepo, record, deps.runDate);
    return { engine: name, ok: final.ok, summary, record_path: written.path, record: written.outcome };
  } catch (error) {
    return {
      engine: name,
      ok: final.ok,
      summary,
      record: "failed",
      record_error: error instanceof Error ? error.message : String(error),
    };
  }
}

function recordFor(
  name: EngineName,
  outcome: ResultOutcome,
  run: Pick<RunPlan, "target_repo" | "correlation_id" | "engine_ref">,
  deps: Pick<EngineRunDeps, "clock" | "source">,
): TelemetryRecord {
  return buildEnvelope({
    generated_at: deps.clock.now(),
    correlation_id: run.correlation_id,
    engine_name: name,
    engine_ref: run.engine_ref,
    target_repo: run.target_repo,
    source: deps.source(name),
    ok: outcome.ok,
    reason: outcome.reason,
    details: outcome.details,
  });
}

async function engineOutcome(
  name: CatalogEngineName,
  run: RunFields,
  telemetryRepo: string,
  deps: EngineRunDeps,
): Promise<ResultOutcome> {
  const stub = { engine_name: name, version: deps.version };
  let engine;
  try {
    engine = await deps.catalog.load(name);
  } catch (error) {
    warnFailure(deps, `${name} could not be loaded`, error);
    return failureOutcome(stub, `${name} could not be loaded: ${storedFailure(error)}`, "engine.loaded");
  }
  let client: RepoClient;
  try {
    client = await engineClient(name, run.target_repo, telemetryRepo, deps.credentials);
  } catch (error) {
    warnFailure(deps, `no token could be issued for ${name}`, error);
    return failureOutcome(
      stub,
      `no token could be issued for ${name}: ${storedFailure(error)}`,
      "engine.token",
    );
  }
  const ctx: EngineContext = Object.freeze({
    target_repo: run.target_repo,
    telemetry_repo: telemetryRepo,
    correlation_id: run.correlation_id,
    engine_ref: run.engine_ref,
    github: client.github,
    clock: deps.clock,
    dry_run: run.dry_run,
    ...(run.issue_number === undefined ? {} : { issue_number: run.issue_number }),
    ...(run.label_added === undefined ? {} : { label_added: run.label_added }),
    ...(run.write_budget === undefined ? {} : { write_budget: run.write_budget }),
    ...(run.config_ref === undefined ? {} : { config_ref: run.config_ref }),
    ...(deps.loop_guard === undefined ? {} : { loop_guard: deps.loop_guard }),
  });
  let value: unknown;
  try {
    value = await engine.run(ctx);
  } catch (error) {
    warnFailure(deps, `${name} failed`, error);
    return failureOutcome(stub, `${name} failed: ${storedFailure(error)}`, "engine.completed");
  }
  if (value === undefined || value === null)
    return failureOutcome(stub, `${name} returned no result`, "result.present");
  return resultOutcome(value, stub, `${name}'s result`);
}

function warnFailure(deps: Pick<EngineRunDeps, "warn">, what: string, error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  deps.warn?.(`warning: ${what}: ${message}\n`);
}

/**
 * The engine's client: a token reaching only the repositories the engine's policy names, with only
 * those permissions (both repositories share one token when the engine needs both, e.g. dashboard).
 */
function engineClient(
  name: CatalogEngineName,
  targetRepo: string,
  telemetryRepo: string,
  credentials: RunCredentials,
): Promise<RepoClient> {
  const access = ENGINE_ACCESS[name];
  const target = levelsOf(access.target);
  const telemetry = levelsOf(access.telemetry);
  const [owner, targetName] = targetRepo.split("/");
  const telemetryName = telemetryRepo.split("/")[1];
  const touches = (levels: AccessLevels) => levels.issues !== "none" || levels.contents !== "none";
  // An engine with no needs at all still gets its target (metadata only), never anything wider.
  const repositories = [
    ...(touches(target) || !touches(telemetry) ? [targetName] : []),
    ...(touches(telemetry) ? [telemetryName] : []),
  ];
  const union: AccessLevels = {
    issues: maxLevel(target.issues, telemetry.issues),
    contents: maxLevel(target.contents, telemetry.contents),
  };
  return credentials.clientFor(owner, repositories, union);
}
