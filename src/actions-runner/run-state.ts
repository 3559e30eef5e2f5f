import type { RunWorkflowOptions } from "./run-types.js";

/** What every job of one run attempt shares: the options with defaults applied, and cancellation. */
export interface RunState {
  options: RunWorkflowOptions;
  runAttempt: number;
  /** This attempt's directory: one fresh sub-directory per job. */
  runDir: string;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  cancelled(): boolean;
  now(): number;
  baseEnv: Readonly<Record<string, string>>;
  killGraceMs: number;
  cleanupTimeoutMs: number;
  /** What one minute of `timeout-minutes` lasts (60 000 ms unless a test shortens it). */
  minuteMs: number;
  runnerEnvironment: "github-hosted" | "self-hosted";
  nodeVersions: readonly string[];
}
