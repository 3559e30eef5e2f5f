import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  "": {
    summary: "install the config and the thin caller of dispatch.yml at a channel into a host repo",
    usage: `Usage: task-assistant install --repo OWNER/REPO --ref vN [--runtime-mode marketplace|development]
         [--dry-run] [--json]

Writes, in one commit on the default branch, .github/task-assistant.yml (the starter config, only
when the repository has none: an existing config is never overwritten) and
.github/workflows/task-assistant-dispatch.yml, a thin caller of Task Assistant's dispatch.yml at the
channel REF (v1): the host names no engine version and follows each release published to the channel,
with no commit here. Installing the same channel again makes no commit.

Options:
  --repo OWNER/REPO     the host repository
  --ref REF             the channel to follow: vN, the major version (any ref in development mode;
                        a version such as v1.4.0 is refused with its channel)
  --runtime-mode MODE   marketplace (default; floating refs refused) or development
  --dry-run             show what would be written, write nothing
  --json                print the result as JSON

Exit codes: 0 installed or already current · 2 refused (floating ref, bad flags) · 3 GitHub failed.
`,
    load: () => import("../runtime/install-command.js"),
  },
};
