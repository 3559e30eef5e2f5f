import { finalizeChange } from "../../infra/finalize-change.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../registry/registry-types.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";
import { describeLine } from "./describe-line.js";

/** `task-assistant infra finalize` */
export async function run(args: string[], io: CliIO): Promise<number> {
  parseCommandArgs(args, {}, "infra finalize");
  const root = await infraCheckout(io.cwd);
  const { branch, verification } = await finalizeChange(root);
  const count = verification.addedLines.length;
  io.stdout(
    [
      `finalized ${branch}: ${count} change${count === 1 ? "" : "s"} against main, valid and staged (${REGISTRY_PATH}, ${CHANGELOG_PATH})`,
      ...verification.addedLines.map((line) => `  ${describeLine(line)}`),
      "next: git commit, then `task-assistant infra pr create`",
      "",
    ].join("\n"),
  );
  return 0;
}
