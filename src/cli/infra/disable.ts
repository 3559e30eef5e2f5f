import { systemClock, type Clock } from "../../util/clock.js";
import { planDisable } from "../../registry/plan-state-change.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { runMutation } from "./run-mutation.js";

const COMMAND = "infra disable";

/** `task-assistant infra disable --owner O --repo R --reason TEXT` */
export async function runWith(args: string[], io: CliIO, clock: Clock): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { owner: { type: "string" }, repo: { type: "string" }, reason: { type: "string" } },
    COMMAND,
  );
  const input = {
    owner: requireFlag(values.owner, "owner", COMMAND),
    repo: requireFlag(values.repo, "repo", COMMAND),
    reason: requireFlag(values.reason, "reason", COMMAND),
  };
  await runMutation(io, clock, "disable", (registry, now) => planDisable(registry, input, now));
  return 0;
}

export function run(args: string[], io: CliIO): Promise<number> {
  return runWith(args, io, systemClock);
}
