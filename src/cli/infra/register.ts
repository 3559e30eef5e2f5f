import { systemClock, type Clock } from "../../util/clock.js";
import { planRegister } from "../../registry/plan-register.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { runMutation } from "./run-mutation.js";

const COMMAND = "infra register";

/** `task-assistant infra register --owner O --repo R --context C [--telemetry-repo T] --reason TEXT` */
export async function runWith(args: string[], io: CliIO, clock: Clock): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      owner: { type: "string" },
      repo: { type: "string" },
      context: { type: "string" },
      "telemetry-repo": { type: "string" },
      reason: { type: "string" },
    },
    COMMAND,
  );
  const input = {
    owner: requireFlag(values.owner, "owner", COMMAND),
    repo: requireFlag(values.repo, "repo", COMMAND),
    context: requireFlag(values.context, "context", COMMAND),
    reason: requireFlag(values.reason, "reason", COMMAND),
    ...(values["telemetry-repo"] === undefined ? {} : { telemetryRepo: values["telemetry-repo"] }),
  };
  await runMutation(io, clock, "register", (registry, now) => planRegister(registry, input, now));
  return 0;
}

export function run(args: string[], io: CliIO): Promise<number> {
  return runWith(args, io, systemClock);
}
