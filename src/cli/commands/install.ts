import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  "": {
    summary: "install the config and the pinned dispatcher workflow into a host repo (one commit)",
    usage: `Usage: task-assistant install --repo OWNER/REPO --ref vX.Y.Z [--runtime-mode marketplace|development]
         [--dry-run] [--json]

Writes, in one commit on the default branch, .github/task-assistant.yml (the starter config, only
when the repository has none: an existing config is never overwritten) and
.github/workflows/task-assistant-dispatch.yml pinned to REF (every engine's uses: and engine_ref:).
Installing the same ref again makes no commit; installing a new ref upgrades the dispatcher.

Options:
  --repo OWNER/REPO     the host repository
  --ref REF             the release to pin: vX.Y.Z[-pre] or a 40-hex SHA (any ref in development mode)
  --runtime-mode MODE   marketplace (default; floating refs refused) or development
  --dry-run             show what would be written, write nothing
  --json                print the result as JSON

Exit codes: 0 installed or already current · 2 refused (floating ref, bad flags) · 3 GitHub failed.
`,
    load: () => import("../runtime/install-command.js"),
  },
};
