import type { Check } from "./engine.js";

/** Registry answers that mean "Task Assistant is not to run here": a decision, not a fault. */
const REFUSING_OUTCOMES = ["DISABLED", "UNREGISTERED", "ORG_UNREGISTERED"];

/**
 * The registry's refusal when it is the run's whole story: preflight failed because the registry
 * answered that the repository is disabled or not registered, and its record was written or there
 * was nowhere to write it (no telemetry repository resolved). Such a run ends cleanly (exit 0,
 * ok=false, a notice in the job summary). Anything else that failed — an unreadable or invalid
 * registry, a refused token, an unreachable repository, a record that could not be written —
 * returns undefined and stays a failure. Pure.
 */
export function registryRefusal(report: {
  readonly passed: boolean;
  readonly checks: readonly Check[];
  readonly record: string;
  readonly telemetry_repo: string | undefined;
}): { readonly outcome: string; readonly message: string } | undefined {
  if (report.passed) return undefined;
  const registry = report.checks.find((check) => check.id === "registry.resolve");
  const details = (registry?.details ?? {}) as { outcome?: unknown; message?: unknown };
  if (registry?.outcome !== "FAIL" || typeof details.outcome !== "string") return undefined;
  if (!REFUSING_OUTCOMES.includes(details.outcome)) return undefined;
  if (report.record === "failed" && report.telemetry_repo !== undefined) return undefined;
  return {
    outcome: details.outcome,
    message: typeof details.message === "string" ? details.message : details.outcome,
  };
}
