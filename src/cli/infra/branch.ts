import { createInfraBranch } from "../../infra/create-branch.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

/** `task-assistant infra branch NAME` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, "infra branch", { min: 1, max: 1 });
  const root = await infraCheckout(io.cwd);
  const { branch, base } = await createInfraBranch(root, positionals[0]);
  io.stdout(
    `switched to new branch ${branch} (from main at ${base.slice(0, 12)})\n` +
      "next: task-assistant infra register|enable|disable|unregister ..., then `task-assistant infra finalize`\n",
  );
  return 0;
}
