import { engineResult } from "../../config/engine-report.js";
import { inspectHost } from "../../config/inspect-host.js";
import type { Engine, EngineContext, EngineResult } from "../../runtime/engine.js";

/**
 * validate: reads the host config from the target repository (at the pull request's head when a
 * PR proposed it), reports every rule as a named check with all problems located in the file,
 * and compares the declared labels and milestones with the repository's (WARN when materialize
 * has work to do). Sends no write of any kind.
 */
export const engine: Engine = {
  name: "validate",
  permissions: { contents: "read", issues: "read" },
  run: runValidate,
};

async function runValidate(ctx: EngineContext): Promise<EngineResult> {
  const inspection = await inspectHost(ctx, "validate");
  if ("finished" in inspection) return inspection.finished;
  const { checks } = inspection;
  const warnings = checks.filter((check) => check.outcome === "WARN").length;
  return engineResult(
    "validate",
    warnings === 0
      ? "Configuration is valid"
      : `Configuration is valid; ${warnings} warning${warnings === 1 ? "" : "s"} (run materialize)`,
    checks,
    [],
  );
}
