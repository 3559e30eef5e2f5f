import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  reset: {
    summary: "return a sandbox repository to its pre-install state (registry context sandbox only)",
    usage: `Usage: task-assistant sandbox reset --repo OWNER/REPO (--infra-repo OWNER/REPO | --registry FILE)
         (--dry-run | --confirm) [--json]

Returns a sandbox repository to the state before Task Assistant prepared it, so the validation
scenarios can be run again: closes every open issue (with a comment saying why), deletes the labels
Task Assistant manages (phase-, priority/, track/, state/ and those the repository's config declares)
and deletes every milestone. Other labels, the repository's files and all telemetry are kept:
telemetry is immutable.

The registry decides: the repository must be registered with context sandbox and be enabled.
Production, disabled and unregistered repositories are refused, and so is any run inside GitHub
Actions (GITHUB_ACTIONS=true): resetting is an operator's deliberate act.

Options:
  --repo OWNER/REPO        the sandbox repository
  --infra-repo OWNER/REPO  read the registry from the infra repository's default branch (or TA_INFRA_REPO)
  --registry FILE          read the registry from a local file
  --dry-run                list what the reset would do; change nothing
  --confirm                carry the reset out
  --json                   print the plan and what was done as JSON

Credentials: TA_APP_ID with TA_APP_PRIVATE_KEY(_FILE), else GITHUB_TOKEN or GH_TOKEN, else the
local GitHub's admin token. The token needs issues write on the repository.

Example:
  task-assistant sandbox reset --repo acme/widgets-sandbox --infra-repo acme-ops/task-assistant-infra --dry-run

Exit codes: 0 reset (or planned, with --dry-run) · 2 refused (not a sandbox, disabled, unregistered,
in CI, neither --dry-run nor --confirm) · 3 GitHub failed.`,
    load: () => import("../sandbox/reset-command.js"),
  },
};
