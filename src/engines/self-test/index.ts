import { engineResult } from "../../config/engine-report.js";
import { describeSteps, planActions } from "../../config/host-checks.js";
import { inspectHost } from "../../config/inspect-host.js";
import type { Engine, EngineContext, EngineResult } from "../../runtime/engine.js";

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
  const inspection = await inspectHost(ctx, "self-test");
  if ("finished" in inspection) return inspection.finished;
  const { checks, plan } = inspection;
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
