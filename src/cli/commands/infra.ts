import type { CommandTable } from "../command.js";

const WORKFLOW = `Workflow: infra branch NAME → register/enable/disable/unregister → infra finalize →
git commit → infra pr create → review → infra pr merge.`;

const MUTATION_RULES = `Runs inside a checkout of the infra repository, on a feature branch: refused on main, on a
detached HEAD, and when files other than the registry and changelog have uncommitted changes.
Writes infra/telemetry-registry.v2.json (canonical JSON, generated_at updated) and appends one
line to infra/changelog/infra-changelog.jsonl, both in one atomic step, recording
process "infra-cli". Makes no network call. Concurrent infra commands in one checkout take turns
(one waits up to 30 s for another; a lock left by a command that died is taken over), and a write
a crash interrupted is completed or undone by the next infra command. The registry and changelog
must be UTF-8 without a byte order mark; anything else is refused at its line:col.`;

const MUTATION_EXIT = `Exit codes: 0 changed · 2 refused (nothing written; the message names what is wrong and how
to fix it) · 3 git or the file system failed.`;

export const commands: CommandTable = {
  init: {
    summary: "scaffold an infra repository: empty registry, empty changelog, README",
    usage: `Usage: task-assistant infra init [DIR]

Creates an infra repository in DIR (default: the current directory): an empty registry
(infra/telemetry-registry.v2.json with "orgs": {}), an empty changelog
(infra/changelog/infra-changelog.jsonl), a README explaining the operator workflow, and a
.gitignore for the CLI's transient files. Runs \`git init -b main\` if DIR is not yet a git
repository. Adds no workflows and no code. Refuses if DIR already has a registry.

Exit codes: 0 created · 2 refused (already an infra repository) · 3 git or the file system failed.

Example:
  task-assistant infra init task-assistant-infra
  cd task-assistant-infra && git add -A && git commit -m "Start the infra registry"
`,
    load: () => import("../infra/init.js"),
  },
  register: {
    summary: "register a repository (enabled) with its context and reason",
    usage: `Usage: task-assistant infra register --owner O --repo R --context sandbox|production
         [--telemetry-repo NAME|O/NAME] --reason TEXT [--check-exists]

Adds O/R to the registry, enabled. --context is required: there is no default and nothing is
inferred from names. The first repository of an org sets the org's telemetry repository and
must pass --telemetry-repo; later ones may omit it or must name the same one (a different one is
refused, never ignored). The telemetry repository must be in O (cross-org telemetry is
forbidden) and cannot itself be a monitored repository.

${MUTATION_RULES}

Options:
  --owner O                 the GitHub org (or user) that owns the repository
  --repo R                  the repository name
  --context C               sandbox or production
  --telemetry-repo T        the org's telemetry repository: NAME or O/NAME
  --reason TEXT             why the repository is registered (recorded for auditors)
  --check-exists            first ask GitHub, as the App, that O/R (and the telemetry repository
                            named) exists and the App's installation can see it; refused with the
                            nearest name the App sees otherwise. Needs TA_APP_ID and
                            TA_APP_PRIVATE_KEY_FILE (or TA_APP_PRIVATE_KEY); GitHub is
                            GITHUB_API_URL, else the running local GitHub. The only network call.

${MUTATION_EXIT} With --check-exists: 2 also when the repository is
missing or not visible to the App, 3 when GitHub cannot be reached or refuses the App.

Example:
  task-assistant infra register --owner acme --repo widgets --context production \\
    --telemetry-repo task-assistant-telemetry --reason "Widgets team onboarding, ticket OPS-12"
`,
    load: () => import("../infra/register.js"),
  },
  enable: {
    summary: "enable a disabled repository",
    usage: `Usage: task-assistant infra enable --owner O --repo R --reason TEXT

Sets a disabled repository back to enabled and records the reason. Only a disabled repository
can be enabled.

${MUTATION_RULES}

${MUTATION_EXIT}

Example:
  task-assistant infra enable --owner acme --repo widgets --reason "Incident 42 resolved"
`,
    load: () => import("../infra/enable.js"),
  },
  disable: {
    summary: "disable an enabled repository (it stays registered; engines stop running for it)",
    usage: `Usage: task-assistant infra disable --owner O --repo R --reason TEXT

Sets an enabled repository to disabled and records the reason; it then resolves as DISABLED and
no engine runs for it. Only an enabled repository can be disabled.

${MUTATION_RULES}

${MUTATION_EXIT}

Example:
  task-assistant infra disable --owner acme --repo widgets --reason "Incident 42: pause enforcement"
`,
    load: () => import("../infra/disable.js"),
  },
  unregister: {
    summary: "remove a repository from the registry (needs --confirm)",
    usage: `Usage: task-assistant infra unregister --owner O --repo R --reason TEXT --confirm

Removes O/R from the registry; when it was the org's last repository the org is removed too.
--confirm is required, so a removal is never accidental.

${MUTATION_RULES}

${MUTATION_EXIT}

Example:
  task-assistant infra unregister --owner acme --repo old-widgets --reason "Archived" --confirm
`,
    load: () => import("../infra/unregister.js"),
  },
  validate: {
    summary: "validate the registry and changelog (working tree, or --staged blobs)",
    usage: `Usage: task-assistant infra validate [--staged] [--json]

Validates infra/telemetry-registry.v2.json and infra/changelog/infra-changelog.jsonl: JSON
syntax, the schemas in schemas/, and the registry's rules (valid GitHub names, same-org
telemetry repository that is not itself monitored, explicit context and state, non-empty
reason and process, supported schema_version). Every problem is listed with file:line:col and
its JSON pointer. With --staged, checks the staged blobs: what \`git commit\` will record.

Options:
  --staged    validate the index (staged blobs) instead of the working tree
  --json      print one JSON object:
              {"ok": bool, "source": "working-tree"|"staged",
               "registry": {"file", "sha", "valid", "problems": [Problem]},
               "changelog": {"file", "sha", "lines", "valid", "problems": [Problem]}}
              where Problem is {"path", "message", "file"?, "line"?, "col"?, "hint"?} and sha is
              the git blob SHA (null for a missing file)

Exit codes: 0 both valid · 2 problems found (listed) or not an infra checkout.

Example:
  task-assistant infra validate --staged
`,
    load: () => import("../infra/validate.js"),
  },
  resolve: {
    summary: "resolve owner/repo against the registry (what preflight sees)",
    usage: `Usage: task-assistant infra resolve O/R [--json]

Resolves O/R against the registry of the infra checkout containing the current directory,
exactly as preflight does: ELIGIBLE (registered, enabled) · DISABLED · UNREGISTERED (org known,
repo not) · ORG_UNREGISTERED · REGISTRY_INVALID · UNSUPPORTED_SCHEMA. Only ELIGIBLE lets engines
run. Names match case-insensitively, as on GitHub.

Options:
  --json    print the resolution as one canonical JSON object:
            {"outcome", "owner", "repo", "context"?, "state"?, "telemetry_repo"?,
             "registry_sha", "reason", "problems"?}

Exit codes: 0 ELIGIBLE · 1 resolved but not eligible (DISABLED, UNREGISTERED, ORG_UNREGISTERED) ·
2 the registry is invalid or unsupported, or O/R is malformed.

Example:
  task-assistant infra resolve acme/widgets --json
`,
    load: () => import("../infra/resolve.js"),
  },
  list: {
    summary: "list registered orgs and repositories",
    usage: `Usage: task-assistant infra list [--json]

Lists every org (with its telemetry repository) and every registered repository with its state,
context and reason, sorted by name.

Options:
  --json    print {"registry_sha", "generated_at", "orgs": [{"owner", "telemetry_repo",
            "repos": [{"repo", "state", "context", "process", "reason"}]}]}

Exit codes: 0 listed · 2 the registry is invalid (problems listed).

Example:
  task-assistant infra list --json
`,
    load: () => import("../infra/list.js"),
  },
  branch: {
    summary: "create and switch to a feature branch for an infra change",
    usage: `Usage: task-assistant infra branch NAME

Creates branch NAME from main and switches to it. Refused on a dirty tree, on a detached HEAD,
when NAME exists, when NAME is main or not a valid branch name.

${WORKFLOW}

Exit codes: 0 created · 2 refused · 3 git failed.

Example:
  task-assistant infra branch register-acme-widgets
`,
    load: () => import("../infra/branch.js"),
  },
  finalize: {
    summary: "check the change against main and stage the registry and changelog",
    usage: `Usage: task-assistant infra finalize

On a feature branch only. Validates the registry and changelog, checks that the change against
main touches only those two files, that existing changelog lines are unchanged, and that the
registry is exactly what replaying the new changelog lines on main's registry produces (so every
registry change has its changelog line and nothing was edited by hand). Then stages both files.

${WORKFLOW}

Exit codes: 0 staged · 2 refused (problems listed with file:line:col) · 3 git failed.

Example:
  task-assistant infra finalize && git commit -m "Register acme/widgets"
`,
    load: () => import("../infra/finalize.js"),
  },
  protect: {
    summary: "protect the infra repository's main: changes only through pull requests",
    usage: `Usage: task-assistant infra protect [--repo O/R] [--branch B] [--approvals N] [--json]

Sets classic branch protection on the infra repository's main so that direct writes are refused:
a pull request is required (with N approving reviews), the rule applies to administrators too,
and the branch can be neither force-pushed nor deleted. Settings already there that are stricter
(status checks, push restrictions, more reviews) are kept. Reads the protection first and writes
only what is missing, so running it again changes nothing; then reads it back to confirm. Reports
each setting it changed.

Runs inside a checkout of the infra repository (the repository is origin's), or anywhere with
--repo. Needs GH_TOKEN (or GITHUB_TOKEN) of an administrator of the repository. GitHub is
GITHUB_API_URL, else the one serving origin, else the running local GitHub.

Options:
  --repo O/R        the repository (default: origin of the checkout in the current directory)
  --branch B        the branch (default main)
  --approvals N     approving reviews a pull request needs, 0-6 (default 1; 0 still requires a
                    pull request; a lone operator cannot approve their own pull request)
  --json            print { repository, branch, changed, changes, settings }

Exit codes: 0 protected (or already) · 2 bad option, no token, or the branch does not exist yet
· 3 GitHub refused (not an administrator) or could not be reached.

Example:
  GH_TOKEN=... task-assistant infra protect --approvals 1
`,
    load: () => import("../infra/protect.js"),
  },
  "pr create": {
    summary: "push the branch and open its pull request against main",
    usage: `Usage: task-assistant infra pr create

On a feature branch with a clean tree and commits ahead of main: checks the committed change as
finalize does, pushes the branch to origin (git) and opens a pull request against main through
the GitHub REST API. The body lists the changelog lines the branch adds. If the branch already
has an open pull request, it is pushed again and the existing one is reported.

GitHub: GITHUB_API_URL, else the API serving origin (api.github.com for github.com, the local
GitHub when origin is on it); token: GH_TOKEN or GITHUB_TOKEN. The repository is origin's
owner/name. git push uses your git credentials.

Exit codes: 0 opened (or already open) · 2 refused · 3 git or GitHub failed.

Example:
  GH_TOKEN=... task-assistant infra pr create
`,
    load: () => import("../infra/pr-create.js"),
  },
  "pr merge": {
    summary: "re-validate a PR's head through the API, squash-merge it, update main",
    usage: `Usage: task-assistant infra pr merge [N]

Merges pull request N, or the single open pull request of the current branch. Before merging it
reads the registry and changelog as they are in the PR head through the GitHub API and checks
them against main exactly as finalize does; the PR must change only those two files and contain
main. Then squash-merges it (pinned to the validated head commit), deletes its branch, and
fast-forwards local main (deleting the local feature branch when it matches the merged head).

GitHub: GITHUB_API_URL, else the API serving origin (api.github.com for github.com, the local
GitHub when origin is on it); token: GH_TOKEN or GITHUB_TOKEN.

Exit codes: 0 merged · 2 refused (nothing merged) · 3 git or GitHub failed.

Example:
  GH_TOKEN=... task-assistant infra pr merge 12
`,
    load: () => import("../infra/pr-merge.js"),
  },
  abort: {
    summary: "abandon the feature branch: discard its registry change and delete it",
    usage: `Usage: task-assistant infra abort

Discards uncommitted changes to the registry and changelog, switches to main and deletes the
feature branch (and its branch on origin, when it was pushed). Refused on main and on a detached
HEAD, and when other files have uncommitted changes (they are never thrown away).

Exit codes: 0 aborted · 2 refused · 3 git failed.

Example:
  task-assistant infra abort
`,
    load: () => import("../infra/abort.js"),
  },
};
