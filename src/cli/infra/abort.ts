import { abortChange } from "../../infra/abort-change.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

/** `task-assistant infra abort` */
export async function run(args: string[], io: CliIO): Promise<number> {
  parseCommandArgs(args, {}, "infra abort");
  const root = await infraCheckout(io.cwd);
  const { branch, remoteBranch } = await abortChange(root);
  io.stdout(
    `aborted ${branch}: its registry change was discarded, the branch deleted${remoteBranch === undefined ? "" : ` (also origin/${remoteBranch})`}; now on main\n`,
  );
  return 0;
}
