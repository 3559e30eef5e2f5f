import type { Check, EngineResult } from "../runtime/engine.js";
import type { RepoDashboard } from "./dashboard-types.js";

export const DASHBOARD_RESULT_VERSION = "1.0";

export interface PublishFacts {
  /** How the build ran. */
  mode: "full" | "incremental";
  fallback?: string;
  files_read: number;
  telemetry_commit: string;
  /** The commit that published the dashboards; absent when nothing was published. */
  published_commit?: string;
  /** Why nothing was published (`unchanged`, `dry-run`). */
  skipped?: string;
}

/**
 * The dashboard engine's result for one repository (DESIGN §5.5): the build, the repository's
 * telemetry status and the publication. Invalid telemetry fails the record (corruption must be seen);
 * a repository without telemetry yet is a warning, not a failure. Failing runs do not fail it: this
 * record judges the records, and the runs' own records already carry their failures. Pure.
 */
export function dashboardResult(repo: RepoDashboard | undefined, facts: PublishFacts): EngineResult {
  const records = repo?.health.records ?? "none";
  const status = records === "invalid" ? "invalid-telemetry" : records === "none" ? "no-telemetry" : "valid";
  const checks: Check[] = [
    {
      id: "dashboard.build",
      outcome: "PASS",
      details: {
        mode: facts.mode,
        files_read: facts.files_read,
        telemetry_commit: facts.telemetry_commit,
        ...(facts.fallback === undefined ? {} : { fallback: facts.fallback }),
      },
    },
    {
      id: "telemetry.valid",
      outcome: status === "invalid-telemetry" ? "FAIL" : status === "no-telemetry" ? "WARN" : "PASS",
      details: {
        status,
        invalid_records: repo?.metrics.invalid_records ?? 0,
        ...(repo === undefined ? {} : { runs: repo.health.runs }),
      },
    },
  ];
  const ok = status !== "invalid-telemetry";
  const summary =
    status === "invalid-telemetry"
      ? `Dashboard built; ${repo?.metrics.invalid_records ?? 0} telemetry file(s) are invalid`
      : status === "no-telemetry"
        ? "Dashboard built; the repository has no telemetry yet"
        : `Dashboard built from ${repo?.metrics.records ?? 0} records`;
  return {
    tool: "task-assistant-dashboard",
    version: DASHBOARD_RESULT_VERSION,
    ok,
    summary,
    checks,
    actions: facts.published_commit
      ? [{ id: "dashboards.published", commit: facts.published_commit, path: "telemetry/v1/dashboards/" }]
      : [{ id: "dashboards.not-published", reason: facts.skipped ?? "nothing changed" }],
  };
}
