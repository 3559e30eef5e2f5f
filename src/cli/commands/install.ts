import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  "": {
    summary: "install the config and the thin caller of dispatch.yml at a channel into a host repo",
    usage: `Usage: task-assistant install --repo OWNER/REPO --ref vN [--app-slug SLUG]
         [--runtime-mode marketplace|development] [--dry-run] [--json]

Writes, in one commit on the default branch, .github/task-assistant.yml (the starter config, only
when the repository has none: an existing config is never overwritten) and
.github/workflows/task-assistant-dispatch.yml, a thin caller of Task Assistant's dispatch.yml at the
channel REF (v1): the host names no engine version and follows each release published to the channel,
with no commit here. When the default branch is protected (branch protection or a ruleset refuses the
update), the same commit goes to the branch task-assistant/install and a pull request proposes it; its
URL is printed (and in --json). Installing the same channel again makes no commit.

The caller is written for this repository: its daily scheduled run starts at a minute and hour
derived from OWNER/REPO (so hosts do not all start at once), its push trigger is limited to the
default branch (a config change on a pull request's branch is validated once, by the pull request),
and its loop guard ignores events sent by SLUG[bot].

Options:
  --repo OWNER/REPO     the host repository
  --ref REF             the channel to follow: vN, the major version, which must exist in
                        automated-assistant-systems/task-assistant (any ref in development mode; a
                        version such as v1.4.0 is refused with its channel)
  --app-slug SLUG       the App whose bot's events start no run (default $TA_APP_SLUG, else the
                        release's taskAssistant.appSlug)
  --runtime-mode MODE   marketplace (default; floating refs refused) or development
  --dry-run             show what would be written, write nothing
  --json                print the result as JSON (via: commit | pull-request, pull_request.url)

Exit codes: 0 installed, proposed or already current · 2 refused (floating or unknown ref, bad flags)
· 3 GitHub failed.
`,
    load: () => import("../runtime/install-command.js"),
  },
};
