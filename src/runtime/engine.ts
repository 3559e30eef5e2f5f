import type { GitHub } from "../github/octokit.js";
import type { Clock } from "../util/clock.js";
import type { LoopGuard } from "../enforcement/circuit-breaker.js";

/**
 * The engine contract (DESIGN §5.4, §5.5). Engines are stateless: everything they may use arrives in
 * `EngineContext`. They get no registry, no way to start another engine and no id generator.
 */

export type EngineName =
  "preflight" | "validate" | "materialize" | "enforce" | "reconcile" | "self-test" | "dashboard";

export const ENGINE_NAMES: readonly EngineName[] = [
  "preflight",
  "validate",
  "materialize",
  "enforce",
  "reconcile",
  "self-test",
  "dashboard",
];

export type CheckOutcome = "PASS" | "WARN" | "FAIL";

export interface Check {
  id: string;
  outcome: CheckOutcome;
  details?: unknown;
}

/** Something the engine did (or, in a dry run, would do): `{ id: "phase.labels.pruned", kept, removed }`. */
export interface Action {
  id: string;
  [key: string]: unknown;
}

/** The engine's result; it becomes the telemetry record's `details` (DESIGN §5.5). */
export interface EngineResult {
  tool: string;
  version: string;
  ok: boolean;
  summary: string;
  checks: Check[];
  actions: Action[];
  [key: string]: unknown;
}

/** What an engine needs from the target repository's installation; used to narrow tokens and by preflight. */
export interface EnginePermissions {
  issues?: "read" | "write";
  contents?: "read" | "write";
}

export interface EngineContext {
  /** `owner/repo` the engine works on. */
  readonly target_repo: string;
  /** `owner/name` of the org's telemetry repository (same owner). */
  readonly telemetry_repo: string;
  readonly correlation_id: string;
  readonly engine_ref: string;
  /** Client for the target repository (and, for the dashboard engine, the telemetry repository). */
  readonly github: GitHub;
  readonly clock: Clock;
  /** Report the plan, change nothing. */
  readonly dry_run: boolean;
  /** The event's issue, for `enforce`. */
  readonly issue_number?: number;
  /** The label an `issues.labeled` event added, for `enforce`'s strategy `latest`. */
  readonly label_added?: string;
  /** `reconcile`: the most writes this run makes before it stops and leaves the rest to the next run. */
  readonly write_budget?: number;
  /**
   * Waits `ms` (reconcile's pacing). Absent: a real timer. Tests and benchmarks pass one that moves a
   * simulated clock instead, so a paced run takes no real minutes.
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Git ref to read the host config from (a pull request's head); the default branch when absent. */
  readonly config_ref?: string;
  /** Who "we" are and the circuit breaker's limits, for `enforce`; no breaker when absent. */
  readonly loop_guard?: LoopGuard;
}

export interface Engine {
  readonly name: EngineName;
  readonly permissions: EnginePermissions;
  run(ctx: EngineContext): Promise<EngineResult>;
}
