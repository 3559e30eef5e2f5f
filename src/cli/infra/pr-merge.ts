import { UsageError } from "../../errors.js";
import { infraGitHub, originRepository } from "../../infra/infra-github.js";
import { mergeInfraPullRequest } from "../../infra/merge-pull-request.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

/** `task-assistant infra pr merge [N]` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, "infra pr merge", { max: 1 });
  let number: number | undefined;
  if (positionals[0] !== undefined) {
    number = Number(positionals[0].replace(/^#/, ""));
    if (!Number.isInteger(number) || number <= 0) {
      throw new UsageError(`"${positionals[0]}" is not a pull request number`, {
        hint: "e.g. task-assistant infra pr merge 12",
      });
    }
  }
  const root = await infraCheckout(io.cwd);
  const github = await infraGitHub(io.env, root);
  const repository = await originRepository(root);
  const merged = await mergeInfraPullRequest(root, github, repository, number);
  io.stdout(
    `merged pull request #${merged.number} (${merged.added} change${merged.added === 1 ? "" : "s"}) as ${merged.sha.slice(0, 12)}; deleted branch ${merged.branch}` +
      `${merged.localBranchDeleted ? " (also locally)" : ""}; local main is up to date\n`,
  );
  return 0;
}
