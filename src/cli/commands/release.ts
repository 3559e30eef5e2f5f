import type { CommandTable } from "../command.js";

const COMMON_OPTIONS = `  --root DIR             the git work tree of this project (default: this package)
  --allow-empty-broker   a release for a local GitHub: package.json may name no token broker
                         (the runner machine sets TA_TOKEN_BROKER_URL); never for GitHub.com
  --json                 print the result as JSON`;

const load = (name: "check" | "prepare" | "publish" | "rollback" | "all") => async () =>
  (await import("../runtime/release-command.js"))[name];

export const commands: CommandTable = {
  "": {
    summary: "prepare and publish a release (npm run release -- vX.Y.Z)",
    usage: `Usage: task-assistant release vX.Y.Z [--remote NAME|URL] [--root DIR] [--allow-empty-broker]

Runs \`release prepare vX.Y.Z\`, then \`release publish vX.Y.Z\`: the release commit, the tag and the
channel v<MAJOR>. See \`task-assistant release prepare --help\` and \`release publish --help\`.

Options:
  --remote NAME|URL      where to push the tag and the channel (default: origin)
${COMMON_OPTIONS}

Exit codes: 0 released · 2 refused (not a release tag, uncommitted changes, problems listed with
file:line:col, a tag that exists elsewhere) · 3 git failed.
`,
    load: load("all"),
  },
  prepare: {
    summary: "make the release commit: bundle, version, dispatch.yml refs",
    usage: `Usage: task-assistant release prepare vX.Y.Z [--root DIR] [--allow-empty-broker] [--json]

In a git work tree with no uncommitted changes to tracked files: sets the version X.Y.Z in
package.json (and package-lock.json), sets every literal ref in .github/workflows/dispatch.yml (each
engine's uses:, engine_ref: and the plan's --engine-ref) to vX.Y.Z, bundles the CLI and its
production dependencies into release/task-assistant.mjs with esbuild (it runs with Node 20 or later,
nothing installed), runs \`release check\`, and commits these files as the release commit. If the check
refuses, every file is put back and nothing is committed.

Options:
${COMMON_OPTIONS}

Exit codes: 0 committed · 2 refused (problems listed with file:line:col) · 3 git failed.
`,
    load: load("prepare"),
  },
  check: {
    summary: "verify that a release is consistent: refs, bundle, version, broker",
    usage: `Usage: task-assistant release check vX.Y.Z [--root DIR] [--allow-empty-broker] [--json]

Checks, for the release vX.Y.Z: package.json has version X.Y.Z and names the token broker; every
.github/workflows/engine-*.yml declares only workflow_call with its required string inputs, least
permissions, checks this project out at the commit of the workflow being run (job_workflow_sha) and
installs nothing; .github/workflows/dispatch.yml calls every engine at exactly vX.Y.Z, passes
engine_ref: vX.Y.Z and plans with it; templates/host/task-assistant-dispatch.yml calls dispatch.yml
at a channel and names no engine version; release/task-assistant.mjs is there, is byte-identical to a
bundle built now from the same sources, and its --version is X.Y.Z.

Options:
${COMMON_OPTIONS}

Exit codes: 0 ready · 2 refused (not a release tag, or problems listed with file:line:col).
`,
    load: load("check"),
  },
  publish: {
    summary: "tag the release commit and move its channel v<MAJOR> to it",
    usage: `Usage: task-assistant release publish vX.Y.Z [--remote NAME|URL] [--root DIR] [--allow-empty-broker] [--json]

Checks the release commit (HEAD) as \`release check\` does, creates the tag vX.Y.Z there and moves the
channel tag v<MAJOR> to it, and pushes both to the remote. Every host calling dispatch.yml@v<MAJOR>
runs the new release from its next run, with no commit in the host. A release tag never moves: a tag
that exists on the remote at another commit is refused. A pre-release (vX.Y.Z-rc.1) is tagged but
moves no channel.

Options:
  --remote NAME|URL      where to push (default: origin)
${COMMON_OPTIONS}

Exit codes: 0 published · 2 refused · 3 git failed.
`,
    load: load("publish"),
  },
  rollback: {
    summary: "move a channel back to an earlier published release",
    usage: `Usage: task-assistant release rollback vX.Y.Z [--remote NAME|URL] [--root DIR] [--json]

Moves the channel v<MAJOR> back to the published release vX.Y.Z and pushes it. Hosts on that channel
run vX.Y.Z from their next run. The later release's tag stays; publishing it again moves the channel
forward.

Options:
  --remote NAME|URL      where to push (default: origin)
${COMMON_OPTIONS}

Exit codes: 0 moved · 2 refused (not published, a pre-release) · 3 git failed.
`,
    load: load("rollback"),
  },
};
