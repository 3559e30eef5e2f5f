import type { HostConfig } from "./config-model.js";
import type { Check, EngineContext, EngineName, EngineResult } from "../runtime/engine.js";
import { attempt, configLocation, engineResult, targetOf } from "./engine-report.js";
import { configChecks, configFailureSummary, inventoryChecks } from "./host-checks.js";
import { planMaterialization, type MaterializationPlan } from "./plan-materialization.js";
import { readHostConfig } from "./read-host-config.js";
import { readRepoInventory } from "./read-repo-inventory.js";

/**
 * What validate and self-test both start from: the host config read and checked, and the
 * repository's labels and milestones compared with it. Either the engine's finished result (the
 * config could not be read or is invalid, or the inventory could not be listed) or the checks so far
 * and the materialize plan. Reads only.
 */
export type HostInspection =
  | { finished: EngineResult }
  | {
      checks: Check[];
      plan: MaterializationPlan;
      /** The valid config that was inspected, and the blob SHA it was read at. */
      config: HostConfig;
      config_sha: string;
    };

export async function inspectHost(ctx: EngineContext, tool: EngineName): Promise<HostInspection> {
  const finish = (summary: string, checks: Check[]) => ({
    finished: engineResult(tool, summary, checks, []),
  });

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return finish("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
  const checks = configChecks(config);
  if (config.status !== "valid") return finish(configFailureSummary(config), checks);

  const inventory = await attempt("repo.inventory", () =>
    readRepoInventory(ctx.github, targetOf(ctx.target_repo)),
  );
  if ("failed" in inventory)
    return finish("Labels and milestones could not be listed", [...checks, inventory.failed]);
  const plan = planMaterialization(config.config, inventory.value);
  return {
    checks: [...checks, ...inventoryChecks(plan)],
    plan,
    config: config.config,
    config_sha: config.sha,
  };
}
