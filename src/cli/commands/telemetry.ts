import type { CommandTable } from "../command.js";

const EXIT_CODES = "Exit codes: 0 ok · 2 refused input or problems found · 3 GitHub failed.";
const ENDPOINT = "GitHub: GITHUB_API_URL (else the running local GitHub); token: GITHUB_TOKEN or GH_TOKEN.";

export const commands: CommandTable = {
  emit: {
    summary: "store an engine's one telemetry record in the org's telemetry repository",
    usage: `Usage: task-assistant telemetry emit --engine NAME --target-repo O/R --telemetry-repo O/T
         --correlation-id ID --engine-ref REF --result FILE [--job NAME] [--generated-at TIME]
         [--deadline DURATION]

Builds the engine's telemetry record (envelope v1) from its result file and writes it, immutably, to
telemetry/v1/repos/<O>-<R>/<date>/<ID>/<NAME>.json in O/T with one contents PUT. Every job of an
org writes to the same branch, so conflicts (409) are normal: they and 502/503/504 are retried with
full-jitter backoff that widens with each collision (capped at 5 s), and rate limits (403/429) are
waited out as GitHub says, all until the deadline (--deadline, else TASK_ASSISTANT_TELEMETRY_DEADLINE,
else 10m). Each wait is reported on stderr with the time spent and left.
If the record still cannot be written (deadline passed, a branch rule refuses it), the command exits
3 naming the record's path and the reason, and keeps the record's exact bytes in
$RUNNER_TEMP/task-assistant-unwritten/ (else ./task-assistant-unwritten/), a file it names in the
job summary when GITHUB_STEP_SUMMARY is set.
A missing or empty result file (the engine wrote nothing) still yields exactly one record, with
ok=false and a reason naming the problem. A result file with content that is not UTF-8 JSON of the
engine result's shape is refused (exit 2) before any request: the error gives the file and line:col
and never quotes its content.

The record's generated_at is the run's time: --generated-at, else TASK_ASSISTANT_GENERATED_AT (set
it once per run, e.g. in the workflow), else now. Emitting the same run again with the same time is
idempotent, even when the result file was rewritten: an identical stored record counts as success;
a different one is a conflict and is never overwritten.

Refused before any request: O/T of another owner than O/R, O/T equal to O/R, an invalid path
segment (engine, correlation id, ...), a record that would be invalid.

Options:
  --engine NAME           engine name, the record's file name (e.g. validate, self-test)
  --target-repo O/R       the monitored repository
  --telemetry-repo O/T    the org's telemetry repository (same owner as O/R)
  --correlation-id ID     the run's correlation id
  --engine-ref REF        the engine_ref the run is pinned to
  --result FILE           the engine's result JSON (tool, version, ok, summary, checks, actions)
  --job NAME              the source job name (default: the engine name)
  --generated-at TIME     ISO 8601 time of the run, e.g. 2026-11-21T22:37:56.123Z
                          (default: TASK_ASSISTANT_GENERATED_AT, else now)
  --deadline DURATION     how long to keep trying the write, e.g. 10m, 90s, 1500ms
                          (default: TASK_ASSISTANT_TELEMETRY_DEADLINE, else 10m)

In GitHub Actions (GITHUB_ACTIONS=true) the source is github-actions with GITHUB_WORKFLOW,
GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT; elsewhere it is local.
${ENDPOINT}
Exit codes: 0 record stored (also when it says ok=false) · 2 refused, or a different record is
already stored at the path · 3 GitHub did not take the write (safe to run again).

Example:
  task-assistant telemetry emit --engine validate --target-repo acme/widgets \\
    --telemetry-repo acme/telemetry --correlation-id 9187-1 --engine-ref v1.4.0 --result result.json
`,
    load: () => import("../telemetry/emit.js"),
  },
  protect: {
    summary: "protect the telemetry repository's default branch: no force pushes, no deletion",
    usage: `Usage: task-assistant telemetry protect --repo O/T [--app-slug SLUG] [--dry-run] [--json]

Sets classic branch protection on the default branch of the telemetry repository O/T, through the
API, so records cannot be rewritten or removed by history rewrites:
  - no force pushes and no deletion of the branch, for administrators too;
  - on an organization's repository, only the App (SLUG[bot]) may push; users, teams and Apps
    already allowed to push stay allowed.
Every other setting already there is kept, so a stricter branch stays as strict; a second run
changes nothing. It prints what it set, what stays in force, and what GitHub cannot enforce here:
push restrictions exist only for organization-owned repositories (GitHub answers 422 for a user's),
and GitHub Free protects branches of public repositories only (it answers 403 "Upgrade to GitHub
Pro or make this repository public to enable this feature" for a private one). An administrator
can always lift branch protection itself.

Options:
  --repo O/T        the org's telemetry repository
  --app-slug SLUG   the App allowed to push (default: TA_APP_SLUG, else the release's App)
  --dry-run         read the protection in force and print what would be set; change nothing
  --json            print the result as JSON (repository, branch, changed, changes, settings,
                    not_enforceable, warnings)

Token: GH_TOKEN or GITHUB_TOKEN, of an administrator of O/T. GitHub: GITHUB_API_URL (else the
running local GitHub).
Exit codes: 0 protected (or already) · 2 refused input, or no such repository or branch ·
3 GitHub refused or failed (no admin rights, plan limit).

Example:
  GH_TOKEN=... task-assistant telemetry protect --repo acme/task-assistant-telemetry
`,
    load: () => import("../telemetry/protect.js"),
  },
  validate: {
    summary: "check every record and file under telemetry/v1/repos/",
    usage: `Usage: task-assistant telemetry validate DIR [--json]
       task-assistant telemetry validate --repo O/T [--ref REF] [--json]

Checks a telemetry repository, from a checkout (DIR, its top directory) or through the API:
each record against envelope v1; file name = <engine_name>.json = event.category; correlation
directory = correlation_id; date directory = the run's date (preflight's: the UTC date of
generated_at for a preflight record, that date or the day before for any other), and all records
of one run in one date directory; <owner>-<repo> directory = entity; ok, event.action and a
non-null reason agree; no owner+repo object and no top-level event in details; canonical bytes;
and no unexpected files or directories (.keep included). Each problem is printed with its file.
A DIR that holds no telemetry/v1/ directory is not a telemetry checkout: refused (exit 2).

${ENDPOINT}
${EXIT_CODES}
`,
    load: () => import("../telemetry/validate.js"),
  },
  list: {
    summary: "list the records of a telemetry repository",
    usage: `Usage: task-assistant telemetry list --repo O/T [--target O/R] [--since DATE] [--ref REF] [--json]

Lists records as a table with a header: generated_at, ok/FAILED, target, correlation id, engine,
engine_ref and the reason of failures. Runs come in path order; the records of one run in time order
(preflight first). --target keeps one monitored repository; --since keeps date
directories on or after DATE (YYYY-MM-DD). Invalid files are counted on stderr.

${ENDPOINT}
${EXIT_CODES}
`,
    load: () => import("../telemetry/list.js"),
  },
  show: {
    summary: "print one stored record exactly as stored",
    usage: `Usage: task-assistant telemetry show PATH --repo O/T [--ref REF]

Prints the record at PATH (telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine>.json)
byte for byte; problems with it are printed to stderr.

${ENDPOINT}
${EXIT_CODES}
`,
    load: () => import("../telemetry/show.js"),
  },
  keygen: {
    summary: "make the Ed25519 key pair that signs telemetry checkpoints",
    usage: `Usage: task-assistant telemetry keygen --name NAME --out FILE [--json]

Writes a new Ed25519 signing key to FILE (mode 0600; an existing FILE is refused) in the C2SP
signed-note format (PRIVATE+KEY+NAME+ID+BASE64) and prints the public key (NAME+ID+BASE64) that
auditors pass to \`telemetry verify --key\`. Keep FILE where the App's private key is kept (a secret
of the operator's App repository or of the token broker), never in a host repository.

Exit codes: 0 written · 2 bad name, or FILE exists or cannot be written.

Example:
  task-assistant telemetry keygen --name example.com/telemetry-log --out checkpoint-key.txt
`,
    load: () => import("../telemetry/keygen.js"),
  },
  checkpoint: {
    summary: "sign a checkpoint over the telemetry log (records appended since the last one)",
    usage: `Usage: task-assistant telemetry checkpoint --repo O/T [--key-file FILE] [--origin NAME]
         [--checkout DIR] [--dry-run] [--json]

Reads the repository's stored log state (telemetry/v1/checkpoints/state.json: frontier, size, last
telemetry commit), checks it against the signed checkpoint, reads only the commits after it, appends
each record they add as a leaf (commits in first-parent order, oldest first; inside a commit, paths
in byte order; leaf data = path, NUL, record bytes; RFC 6962 hashing), signs the new tree head as a
C2SP checkpoint and publishes checkpoint, state and the new leaf-index file in one commit that
touches only telemetry/v1/checkpoints/. Raw records are never changed. A record changed, deleted or
inserted into an old directory (older than the day before the last checkpoint) is reported and
never logged. A push refused because records arrived meanwhile is retried on the new head.

Options:
  --repo O/T          the org's telemetry repository
  --key-file FILE     the signing key (else TA_CHECKPOINT_KEY_FILE, else TA_CHECKPOINT_KEY)
  --origin NAME       the log's origin line (default task-assistant.telemetry/O/T)
  --checkout DIR      reuse this working copy between runs
  --dry-run           compute and report; publish nothing
  --json              machine-readable report

${ENDPOINT} App credentials (TA_APP_ID, TA_APP_PRIVATE_KEY_FILE) work as for dashboard build.
Exit codes: 0 checkpointed (or nothing new) · 1 tampering seen (reported, not logged) · 2 bad input,
or the stored state does not match the signed checkpoint or names a commit history no longer has ·
3 git or GitHub failed.
`,
    load: () => import("../telemetry/checkpoint.js"),
  },
  verify: {
    summary: "prove a telemetry repository's records match its signed checkpoints (auditors)",
    usage: `Usage: task-assistant telemetry verify (--repo O/T | --dir CLONE) --key PUBLIC_KEY
         [--origin NAME] [--trusted-checkpoint FILE] [--ref REF] [--json]

Recomputes every logged record's leaf from the bytes now at its path, checks every checkpoint in the
branch's first-parent history (signature by PUBLIC_KEY, origin, root over the leaf index, and an
RFC 6962 consistency proof against the checkpoint before it), and names every record changed,
deleted or inserted into an old directory after it was checkpointed, with its path and the commit
that did it. With --trusted-checkpoint (a checkpoint kept from an earlier verify) it proves the
current log extends that one: this catches a history rewritten and re-signed from scratch.
Records newer than the latest checkpoint are listed as pending, not as tampering.

Options:
  --repo O/T                 clone the telemetry repository (read access) into a temporary directory
  --dir CLONE                verify a local clone instead (needs --origin)
  --key PUBLIC_KEY           the log's public key NAME+ID+BASE64, or a file holding it
  --origin NAME              the expected origin (default task-assistant.telemetry/O/T)
  --trusted-checkpoint FILE  a checkpoint the auditor kept
  --ref REF                  verify this commit instead of the default branch's head
  --json                     machine-readable report

${ENDPOINT}
Exit codes: 0 verified · 1 tampering found · 2 bad input (key, flags, trusted checkpoint) · 3 git
or GitHub failed.
`,
    load: () => import("../telemetry/verify.js"),
  },
};
