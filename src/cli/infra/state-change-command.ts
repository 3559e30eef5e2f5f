import { systemClock } from "../../util/clock.js";
import type { MutationPlan } from "../../registry/mutation-plan.js";
import type { RegistryV2 } from "../../registry/registry-types.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { runMutation } from "./run-mutation.js";

type StatePlanner = (
  registry: RegistryV2,
  input: { owner: string; repo: string; reason: string },
  now: Date,
) => MutationPlan;

/**
 * `task-assistant infra enable|disable --owner O --repo R --reason TEXT`: the two commands differ only
 * in the action's name and its planner.
 */
export function stateChangeCommand(action: "enable" | "disable", plan: StatePlanner) {
  const command = `infra ${action}`;
  return async function run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(
      args,
      { owner: { type: "string" }, repo: { type: "string" }, reason: { type: "string" } },
      command,
    );
    const input = {
      owner: requireFlag(values.owner, "owner", command),
      repo: requireFlag(values.repo, "repo", command),
      reason: requireFlag(values.reason, "reason", command),
    };
    await runMutation(io, systemClock, action, (registry, now) => plan(registry, input, now));
    return 0;
  };
}
