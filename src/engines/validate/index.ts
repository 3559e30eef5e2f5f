import { attempt, configLocation, engineResult, targetOf } from "../../config/engine-report.js";
import { configChecks, configFailureSummary, inventoryChecks } from "../../config/host-checks.js";
import { planMaterialization } from "../../config/plan-materialization.js";
import { readHostConfig } from "../../config/read-host-config.js";
import { readRepoInventory } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";

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
  const target = targetOf(ctx.target_repo);
  const stop = (summary: string, checks: Check[]) => engineResult("validate", summary, checks, []);

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return stop("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
  const checks = configChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);

  const inventory = await attempt("repo.inventory", () => readRepoInventory(ctx.github, target));
  if ("failed" in inventory)
    return stop("Labels and milestones could not be listed", [...checks, inventory.failed]);
  checks.push(...inventoryChecks(planMaterialization(config.config, inventory.value)));
  const warnings = checks.filter((check) => check.outcome === "WARN").length;
  return stop(
    warnings === 0
      ? "Configuration is valid"
      : `Configuration is valid; ${warnings} warning${warnings === 1 ? "" : "s"} (run materialize)`,
    checks,
  );
}
