import { engineResult, failureCheck, isExpectedFailure, targetOf } from "../../config/engine-report.js";
import { configChecks, configFailureSummary, inventoryChecks } from "../../config/host-checks.js";
import { planMaterialization } from "../../config/plan-materialization.js";
import { readHostConfig, type HostConfigRead } from "../../config/read-host-config.js";
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

  let config: HostConfigRead;
  try {
    config = await readHostConfig(ctx.github, {
      ...target,
      ...(ctx.config_ref === undefined ? {} : { ref: ctx.config_ref }),
    });
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop("Configuration could not be read", [failureCheck("config.load", error)]);
  }
  const checks = configChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);

  try {
    checks.push(
      ...inventoryChecks(planMaterialization(config.config, await readRepoInventory(ctx.github, target))),
    );
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop("Labels and milestones could not be listed", [
      ...checks,
      failureCheck("repo.inventory", error),
    ]);
  }
  const warnings = checks.filter((check) => check.outcome === "WARN").length;
  return stop(
    warnings === 0
      ? "Configuration is valid"
      : `Configuration is valid; ${warnings} warning${warnings === 1 ? "" : "s"} (run materialize)`,
    checks,
  );
}
