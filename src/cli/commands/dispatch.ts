import type { CommandTable } from "../command.js";
import { PLAN_USAGE_OPTIONS } from "../runtime/plan-usage.js";

export const commands: CommandTable = {
  // "plan" comes first: the CLI tries command names in table order among equal lengths.
  plan: {
    summary: "plan a run only (mode, engines, correlation id, engine_ref); writes $GITHUB_OUTPUT",
    usage: `Usage: task-assistant dispatch plan --event NAME --payload FILE --repo OWNER/REPO
         [--mode MODE] [--correlation-id ID] [--engine-ref REF] [--runtime-mode marketplace|development]

Prints the dispatcher's plan as JSON. On GitHub Actions it also writes the step outputs mode,
target_repo, correlation_id, engine_ref, runtime_mode, engines, issue_number, label_added, config_ref and
engine_ref_ok to $GITHUB_OUTPUT, for the preflight and engine jobs.

Options:
${PLAN_USAGE_OPTIONS}

Exit codes: 0 planned · 2 refused (the message names the event or field).
`,
    load: () => import("../runtime/dispatch-plan-command.js"),
  },
  "": {
    summary: "run the whole dispatch locally: plan, preflight, engines, one record each",
    usage: `Usage: task-assistant dispatch --event NAME --payload FILE --repo OWNER/REPO
         [--mode MODE] [--correlation-id ID] [--engine-ref REF] [--runtime-mode marketplace|development]
         [--registry FILE | --infra-repo OWNER/REPO] [--breaker-runs N] [--breaker-minutes M]
         [--dry-run] [--json]

Runs the dispatcher, preflight and the plan's engines in this process against GITHUB_API_URL (or the
running local GitHub). Preflight runs first; if it fails, no engine runs. Every engine leaves exactly
one record in the org's telemetry repository, under one correlation id, with one engine_ref.

Options:
${PLAN_USAGE_OPTIONS}
  --registry FILE         read the registry from a local file
  --infra-repo OWNER/REPO read the registry from the infra repository's default branch
                          (default: $TA_INFRA_REPO), with $TA_INFRA_TOKEN or the App's own credentials
  --breaker-runs N        enforce stops answering another bot on one issue after N runs within
  --breaker-minutes M     M minutes (default $TA_BREAKER_RUNS/$TA_BREAKER_MINUTES, else 5 and 10)
  --dry-run               engines report what they would do; nothing is written, no record either
  --json                  print the run as JSON instead of a table

Credentials: TA_APP_ID with TA_APP_PRIVATE_KEY or TA_APP_PRIVATE_KEY_FILE (installation tokens
narrowed per engine), else GITHUB_TOKEN or GH_TOKEN, else the local GitHub's admin token.

Example:
  task-assistant dispatch --event workflow_dispatch --payload event.json --repo acme/widgets \\
    --mode validate --engine-ref v1.4.0 --infra-repo acme-ops/task-assistant-infra

Exit codes: 0 every engine ok · 1 preflight or an engine failed · 2 refused input · 3 GitHub failed.
`,
    load: () => import("../runtime/dispatch-command.js"),
  },
};
