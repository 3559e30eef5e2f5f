import { UsageError } from "../../errors.js";
import { systemClock, type Clock } from "../../util/clock.js";
import { planUnregister } from "../../registry/plan-unregister.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { runMutation } from "./run-mutation.js";

const COMMAND = "infra unregister";

/** `task-assistant infra unregister --owner O --repo R --reason TEXT --confirm` */
export async function runWith(args: string[], io: CliIO, clock: Clock): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      owner: { type: "string" },
      repo: { type: "string" },
      reason: { type: "string" },
      confirm: { type: "boolean" },
    },
    COMMAND,
  );
  const input = {
    owner: requireFlag(values.owner, "owner", COMMAND),
    repo: requireFlag(values.repo, "repo", COMMAND),
    reason: requireFlag(values.reason, "reason", COMMAND),
  };
  if (values.confirm !== true) {
    throw new UsageError(`unregistering ${input.owner}/${input.repo} needs --confirm`, {
      hint: "add --confirm to remove it from the registry (to stop engines but keep it registered, use `infra disable`)",
    });
  }
  await runMutation(io, clock, "unregister", (registry, now) => planUnregister(registry, input, now));
  return 0;
}

export function run(args: string[], io: CliIO): Promise<number> {
  return runWith(args, io, systemClock);
}
