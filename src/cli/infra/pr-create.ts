import { createInfraPullRequest } from "../../infra/create-pull-request.js";
import { infraGitHub, originRepository } from "../../infra/infra-github.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

/** `task-assistant infra pr create` */
export async function run(args: string[], io: CliIO): Promise<number> {
  parseCommandArgs(args, {}, "infra pr create");
  const root = await infraCheckout(io.cwd);
  const github = await infraGitHub(io.env, root);
  const repository = await originRepository(root);
  const pull = await createInfraPullRequest(root, github, repository);
  io.stdout(
    `${pull.created ? "opened" : "pushed; already open:"} pull request #${pull.number} for ${pull.branch}: ${pull.title}\n${pull.url}\n` +
      "next: get it reviewed, then `task-assistant infra pr merge`\n",
  );
  return 0;
}
