import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  start: {
    summary: "serve the local GitHub (REST API, git over HTTP, admin API) until interrupted",
    usage: `Usage: task-assistant github start [--port N] [--state-dir DIR] [--seed FILE] [--json]

Starts the local GitHub: an offline GitHub REST API with real git repositories, served with git's
smart HTTP on the same port, and the /_emulator admin API. Prints the base URL, the git URL and the
admin token, records them in $TASK_ASSISTANT_HOME/local-githubs/<pid>.json (default
~/.task-assistant) so other commands with the same TASK_ASSISTANT_HOME use this server without
configuration (they name it on standard error), and serves until interrupted (Ctrl-C). When several
local GitHubs run under one TASK_ASSISTANT_HOME, commands refuse to guess: set GITHUB_API_URL to
the one to use, or give each server its own TASK_ASSISTANT_HOME.

State (issues, labels, tokens, ... and the bare repositories) is kept under the state directory, so
a restart has everything it had. The admin token is kept there too.

Options:
  --port N          TCP port on 127.0.0.1 (default: a free one)
  --state-dir DIR   where state lives (default: $TASK_ASSISTANT_HOME/local-github-state)
  --seed FILE       a seed (YAML or JSON, schemas/emulator-seed.schema.json) applied at start:
                    users, orgs, repositories with files, labels, milestones, issues, Apps,
                    installations, tokens, limits
  --json            print the addresses as one JSON object instead of text

Exit codes: 0 stopped cleanly · 2 bad option or invalid seed (each problem as file:line:col)
· 3 the port is taken or the state directory cannot be used

Example:
  task-assistant github start --port 4010 --seed demo-seed.yml
`,
    load: () => import("../github/start.js"),
  },
  seed: {
    summary: "add orgs, repositories, the App, installations and tokens to the running local GitHub",
    usage: `Usage: task-assistant github seed FILE [--keys-dir DIR] [--json]

Applies a seed to the running local GitHub (the one \`github start\` recorded under
$TASK_ASSISTANT_HOME, or the one GITHUB_API_URL names): users, orgs and their members,
repositories with files, labels, milestones, issues and branch protection, GitHub Apps, their
installations, and tokens. The format is schemas/emulator-seed.schema.json (YAML or JSON); the
seed is checked before anything is sent, and a bad one is refused whole with each problem as
FILE:line:col. Applying the same seed again changes nothing and answers the same result.

Prints what was made: the tokens to use (GH_TOKEN, git's password with user x-access-token), each
App's id, and the file its private key was written to (mode 0600), ready for
TA_APP_ID and TA_APP_PRIVATE_KEY_FILE.

Options:
  --keys-dir DIR    where App private keys are written (default $TASK_ASSISTANT_HOME/apps)
  --json            print { url, gitUrl, users, orgs, repos, apps, installations, tokens }

Exit codes: 0 applied · 2 unreadable or invalid seed (nothing applied), or no local GitHub running
· 3 the local GitHub could not be reached.

Example:
  task-assistant github seed examples/walkthrough-seed.yml
`,
    load: () => import("../github/seed.js"),
  },
};
