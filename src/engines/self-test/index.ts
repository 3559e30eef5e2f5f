import { engineResult, failureCheck, isExpectedFailure, targetOf } from "../../config/engine-report.js";
import {
  configChecks,
  configFailureSummary,
  describeSteps,
  inventoryChecks,
  planActions,
} from "../../config/host-checks.js";
import { planMaterialization, type MaterializationPlan } from "../../config/plan-materialization.js";
import { readHostConfig, type HostConfigRead } from "../../config/read-host-config.js";
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

  let plan: MaterializationPlan;
  try {
    plan = planMaterialization(config.config, await readRepoInventory(ctx.github, target));
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    return stop("Labels and milestones could not be listed", [
      ...checks,
      failureCheck("repo.inventory", error),
    ]);
  }
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
