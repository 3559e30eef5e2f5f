import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { readActionsEnv, writeStepOutputs } from "./actions-env.js";
import { PLAN_FLAGS, planFromFlags } from "./plan-flags.js";

/**
 * `task-assistant dispatch plan`: the dispatcher's decision only, as JSON; on Actions also as step
 * outputs (`$GITHUB_OUTPUT`) for the jobs that follow. Exit 0 planned, 2 refused.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, PLAN_FLAGS, "dispatch plan");
  const actions = readActionsEnv(io.env);
  const plan = await planFromFlags(values, io, actions, "dispatch plan");
  await writeStepOutputs(actions, {
    mode: plan.mode,
    target_repo: plan.target_repo,
    correlation_id: plan.correlation_id,
    engine_ref: plan.engine_ref,
    runtime_mode: plan.runtime_mode,
    engines: JSON.stringify(plan.engines),
    issue_number: plan.issue_number === undefined ? "" : String(plan.issue_number),
    label_added: plan.label_added ?? "",
    config_ref: plan.config_ref ?? "",
    engine_ref_ok: String(plan.engine_ref_policy.ok),
  });
  io.stdout(jsonOut(plan));
  return 0;
}
