import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  check: {
    summary: "verify that a release pins every engine to one ref",
    usage: `Usage: task-assistant release check vX.Y.Z [--root DIR] [--json]

Checks, for the release vX.Y.Z: package.json has version X.Y.Z; every .github/workflows/engine-*.yml
declares only workflow_call with its required string inputs, least permissions, and checks this
project out at inputs.engine_ref; templates/host/task-assistant-dispatch.yml calls every engine
pinned to exactly vX.Y.Z, passes engine_ref: vX.Y.Z, plans with it, and never uses ref: main.

Options:
  --root DIR   the checkout to check (default: this package)
  --json       print the result as JSON

Exit codes: 0 ready · 1 problems found (listed with file:line:col) · 2 not a release tag.
`,
    load: () => import("../runtime/release-check-command.js"),
  },
};
