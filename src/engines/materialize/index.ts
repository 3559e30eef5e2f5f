import { attempt, configLocation, engineResult, failureCheck, targetOf } from "../../config/engine-report.js";
import {
  CLOSED_MILESTONE_HINT,
  configFailureSummary,
  configValidityChecks,
  describeSteps,
  planActions,
} from "../../config/host-checks.js";
import {
  planMaterialization,
  type MaterializationPlan,
  type MaterializeStep,
} from "../../config/plan-materialization.js";
import { readHostConfig } from "../../config/read-host-config.js";
import { readRepoInventory } from "../../config/read-repo-inventory.js";
import type { Check, Engine, EngineContext, EngineResult } from "../../runtime/engine.js";
import { applyMaterialization, type MaterializeOutcome } from "./apply-materialization.js";

/**
 * materialize (manual runs only): creates the labels and milestones the host config declares and
 * brings label colours and descriptions in line. Never deletes or renames; never touches existing
 * milestones. Plans from one paginated listing of labels and milestones, then writes one request
 * per change, so a second run makes no write.
 */
export const engine: Engine = {
  name: "materialize",
  permissions: { contents: "read", issues: "write" },
  run: runMaterialize,
};

async function runMaterialize(ctx: EngineContext): Promise<EngineResult> {
  const target = targetOf(ctx.target_repo);
  const extra = { dry_run: ctx.dry_run };
  const stop = (summary: string, checks: Check[]) => engineResult("materialize", summary, checks, [], extra);

  const loaded = await attempt("config.load", () => readHostConfig(ctx.github, configLocation(ctx)));
  if ("failed" in loaded) return stop("Configuration could not be read", [loaded.failed]);
  const config = loaded.value;
  const checks = configValidityChecks(config);
  if (config.status !== "valid") return stop(configFailureSummary(config), checks);

  const inventory = await attempt("repo.inventory", () => readRepoInventory(ctx.github, target));
  if ("failed" in inventory)
    return stop("Labels and milestones could not be listed", [...checks, inventory.failed]);
  const plan = planMaterialization(config.config, inventory.value);
  const outcome = await applyMaterialization(ctx.github, target, plan.steps, ctx.dry_run);
  checks.push(...outcomeChecks(plan, outcome, ctx.dry_run));
  const actions = planActions(ctx.dry_run ? plan.steps : outcome.applied);
  return engineResult("materialize", summarize(plan, outcome, ctx.dry_run), checks, actions, extra);
}

function outcomeChecks(plan: MaterializationPlan, outcome: MaterializeOutcome, dryRun: boolean): Check[] {
  const done = dryRun ? plan.steps : outcome.applied;
  const verb = dryRun ? "would_" : "";
  const named = (kind: MaterializeStep["kind"]) =>
    done.flatMap((step) =>
      step.kind !== kind ? [] : [step.kind === "createMilestone" ? step.title : step.name],
    );
  const checks: Check[] = [
    {
      id: "labels.materialized",
      outcome: "PASS",
      details: {
        [`${verb}create`]: named("createLabel"),
        [`${verb}update`]: named("updateLabel"),
        in_place: plan.labelsInPlace.length,
        ...(plan.labelCaseDifferences.length > 0 ? { case_differs: plan.labelCaseDifferences } : {}),
      },
    },
    {
      id: "milestones.materialized",
      outcome: "PASS",
      details: { [`${verb}create`]: named("createMilestone"), in_place: plan.milestonesInPlace.length },
    },
  ];
  if (plan.milestonesClosed.length > 0) {
    checks.push({
      id: "milestones.closed",
      outcome: "WARN",
      details: { titles: plan.milestonesClosed, hint: CLOSED_MILESTONE_HINT },
    });
  }
  if (outcome.failed !== undefined) {
    const failure = failureCheck("materialize.apply", outcome.failed.error);
    failure.details = {
      ...(failure.details as Record<string, unknown>),
      step: outcome.failed.step,
      not_attempted: outcome.notAttempted.length,
      hint: "fix the cause and run materialize again; it continues from what exists",
    };
    checks.push(failure);
  }
  return checks;
}

function summarize(plan: MaterializationPlan, outcome: MaterializeOutcome, dryRun: boolean): string {
  if (plan.steps.length === 0) return "Repository is compliant: nothing to create or update";
  if (dryRun) return `Dry run: would ${describeSteps(plan.steps)}`;
  if (outcome.failed !== undefined && outcome.applied.length === 0) {
    return `Stopped before any change: the first of ${plan.steps.length} changes failed`;
  }
  if (outcome.failed !== undefined) {
    return `Stopped after ${outcome.applied.length} of ${plan.steps.length} changes: ${describeSteps(outcome.applied)}`;
  }
  return `Repository prepared: ${describeSteps(plan.steps)}`;
}
