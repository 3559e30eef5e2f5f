import type { CommandTable } from "../command.js";

const EXIT_CODES =
  "Exit codes: 0 ok · 1 invalid telemetry with --strict · 2 refused input · 3 GitHub or git failed.";
const SERVE_EXIT_CODES = "Exit codes: 0 stopped · 2 refused input · 3 GitHub or git failed.";
const FANOUT_EXIT_CODES = "Exit codes: 0 ok · 1 an org failed · 2 refused input · 3 GitHub or git failed.";

export const commands: CommandTable = {
  build: {
    summary:
      "build an org's dashboards from its telemetry repository and publish them (or write them locally)",
    usage: `Usage: task-assistant dashboard build --repo OWNER/TELEMETRY [--registry FILE | --infra-repo OWNER/REPO]
         [--out DIR] [--checkout DIR] [--expect OWNER/REPO]... [--strict] [--dry-run] [--json]

Reads every raw record under telemetry/v1/repos/ of the org's telemetry repository (over git),
builds one dashboard per repository plus the org index and page, and publishes them in one commit
under telemetry/v1/dashboards/. The next build reads only records added since (incremental); it
says so when it has to rebuild from scratch.
Only a telemetry repository is built: with --registry or --infra-repo, --repo must be the
telemetry repository the registry names for its org (checked before any git); without them, a
repository with no telemetry/v1/repos/ tree is refused. Either refusal exits 2, publishing and
writing nothing.

Options:
  --repo OWNER/TELEMETRY  the org's telemetry repository
  --registry FILE         check --repo against this registry (infra/telemetry-registry.v2.json)
  --infra-repo OWNER/REPO check --repo against the registry on the infra repository's default branch
  --out DIR               write the files to DIR (the contents of telemetry/v1/dashboards/) instead of publishing
  --checkout DIR          keep the telemetry working copy in DIR between builds (default: a temporary one)
  --expect OWNER/REPO     also give this repository a dashboard when it has no telemetry (repeatable)
  --strict                exit 1 when any telemetry is invalid
  --dry-run               build and report; write and publish nothing
  --json                  print the build report as JSON

Credentials: GITHUB_TOKEN or GH_TOKEN, App credentials (TA_APP_ID, TA_APP_PRIVATE_KEY_FILE), or the
local GitHub's admin token. The token travels to git in the environment, never on the command line.

Example:
  task-assistant dashboard build --repo acme/telemetry --out ./dashboards

${EXIT_CODES}
`,
    load: () => import("../dashboard/build.js"),
  },
  serve: {
    summary: "build an org's dashboards and serve the page on 127.0.0.1 until interrupted",
    usage: `Usage: task-assistant dashboard serve --repo OWNER/TELEMETRY [--port N] [--expect OWNER/REPO]...

Builds the dashboards (publishing nothing) and serves index.html, index.json and each
repository's dashboard.json on http://127.0.0.1:PORT/ until Ctrl-C.

Options:
  --repo OWNER/TELEMETRY  the org's telemetry repository
  --port N                port to listen on (default: a free one)
  --expect OWNER/REPO     also show this repository when it has no telemetry (repeatable)

${SERVE_EXIT_CODES}
`,
    load: () => import("../dashboard/serve.js"),
  },
  fanout: {
    summary: "build every registered org's dashboards, each in its own telemetry repository",
    usage: `Usage: task-assistant dashboard fanout (--infra-repo OWNER/REPO | --registry FILE) [--org ORG]... [--correlation-id ID] [--engine-ref REF] [--list-orgs] [--json]

For every org with enabled repositories in the registry, builds and publishes its dashboards in
its own telemetry repository (read from and written to that repository only), then emits one
dashboard record per enabled repository, all under one correlation id. Orgs are isolated: one
org failing does not stop the others. Progress is shown on a terminal; a summary ends the run.

Options:
  --infra-repo OWNER/REPO  read infra/telemetry-registry.v2.json from the infra repository
  --registry FILE          read the registry from a file
  --org ORG                only this org (repeatable; the workflow runs one org per job)
  --correlation-id ID      the run's correlation id (default: GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT, else a new ULID)
  --engine-ref REF         the engine_ref recorded (default: GITHUB_SHA, else this CLI's version, v<version>)
  --list-orgs              print the orgs that would be built and stop (with --json: a JSON array)
  --json                   print the summary as JSON

${FANOUT_EXIT_CODES}
`,
    load: () => import("../dashboard/fanout.js"),
  },
};
