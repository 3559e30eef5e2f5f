import { UsageError } from "../../errors.js";
import { infraGitHub, operatorGitHub, originRepository } from "../../infra/infra-github.js";
import { planBranchProtection } from "../../infra/plan-branch-protection.js";
import { protectBranch } from "../../infra/protect-branch.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

const COMMAND = "infra protect";

function parseApprovals(text: string | undefined): number {
  if (text === undefined) return 1;
  const approvals = Number(text);
  if (!/^\d$/.test(text) || approvals > 6) {
    throw new UsageError(`--approvals must be a whole number from 0 to 6, not "${text}"`, {
      hint: "GitHub requires 0 to 6 approving reviews; 0 still requires a pull request",
    });
  }
  return approvals;
}

function parseRepo(text: string): { owner: string; repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(text);
  if (match === null) {
    throw new UsageError(`--repo must be OWNER/NAME, not "${text}"`, {
      hint: "e.g. --repo acme-ops/task-assistant-infra",
    });
  }
  return { owner: match[1], repo: match[2] };
}

/** `task-assistant infra protect [--repo O/R] [--branch B] [--approvals N] [--json]` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      branch: { type: "string" },
      approvals: { type: "string" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const approvals = parseApprovals(values.approvals);
  const branch = values.branch ?? "main";
  let target: { owner: string; repo: string };
  let github;
  if (values.repo !== undefined) {
    target = parseRepo(values.repo);
    github = await operatorGitHub(io.env, (line) => io.stderr(line));
  } else {
    const root = await infraCheckout(io.cwd);
    target = await originRepository(root);
    github = await infraGitHub(io.env, root);
  }
  const { plan: _plan, ...result } = await protectBranch(github, { ...target, branch }, (current) =>
    planBranchProtection(current, { approvals }),
  );
  if (values.json) {
    io.stdout(jsonOut(result));
    return 0;
  }
  const head = result.changed
    ? `protected ${result.branch} of ${result.repository}: direct writes are refused`
    : `${result.branch} of ${result.repository} was already protected; nothing changed`;
  io.stdout(
    [
      head,
      ...result.changes.map((change) => `  set: ${change}`),
      ...(result.changed ? [] : result.settings.map((setting) => `  in force: ${setting}`)),
      "",
    ].join("\n"),
  );
  return 0;
}
