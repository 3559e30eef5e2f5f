import { attempt, configLocation, engineResult, targetOf } from "../../config/engine-report.js";
import {
  configChecks,
  configFailureSummary,
  describeSteps,
  inventoryChecks,
  planActions,
} from "../../config/host-checks.js";
import { planMaterialization } from "../../config/plan-materialization.js";
import { readHostConfig } from "../../config/read-host-config.js";
import { readRepoInventory } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";

/**
 * self-test: the validate checks plus a dry-run materialize. It never writes; its record says what
 * materialize would do (`materialize_plan`) so an operator can check a repository before preparing it.
 */
export const engine: Engine = {
  name: "self-test",
  permissions: { contents: "read", issues: "read" },
  run: runSelfTest,
};

async function runSelfTest(ctx: EngineContext): Promise<EngineResult> {
  const target = targetOf(ctx.target_repo);
  const stop = (summary: string, checks: Check[]) => engineResult("self-test", summary, checks, []);

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return stop("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
  const checks = configChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);

  const inventory = await attempt("repo.inventory", () => readRepoInventory(ctx.github, target));
  if ("failed" in inventory)
    return stop("Labels and milestones could not be listed", [...checks, inventory.failed]);
  const plan = planMaterialization(config.config, inventory.value);
  checks.push(...inventoryChecks(plan));
  const wouldDo = describeSteps(plan.steps);
  return engineResult(
    "self-test",
    plan.steps.length === 0
      ? "Self-test passed: configuration is valid and the repository is prepared"
      : `Self-test passed: configuration is valid; materialize would ${wouldDo}`,
    checks,
    [],
    { materialize_plan: { summary: wouldDo, actions: planActions(plan.steps) } },
  );
}
