import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  run: {
    summary: "run one engine and write its one record (what the engine workflows call)",
    usage: `Usage: task-assistant engine run NAME --target-repo OWNER/REPO --telemetry-repo OWNER/NAME
         --correlation-id ID --engine-ref REF [--issue N] [--label-added NAME] [--max-writes N] [--config-ref REF] [--runtime-mode MODE]
         [--dry-run] [--json] [--record-failure CAUSE]
         [--app-slug SLUG] [--breaker-runs N] [--breaker-minutes M]
       task-assistant engine run preflight --target-repo OWNER/REPO --correlation-id ID --engine-ref REF
         --mode MODE (--infra-repo OWNER/REPO | --registry FILE) [--config-ref REF] [--runtime-mode MODE]

Engines: validate, materialize, enforce, reconcile, self-test, dashboard, and preflight (which reads the
registry, checks the run's invariants, and writes the step outputs ok and telemetry_repo).
Whatever happens to the engine, it gets exactly one record: an ok=false one when it crashes.
On GitHub Actions the step writes the output stopped_by=token when it gets no token, and
stopped_by=signal when the runner stops it, for the recorder step to name the cause.

Options:
  --target-repo OWNER/REPO     the repository the run is for
  --telemetry-repo OWNER/NAME  the org's telemetry repository, as preflight resolved it
  --correlation-id ID          the run's id (the telemetry directory)
  --engine-ref REF             the ref this code was checked out at (a tag or SHA in marketplace mode)
  --issue N                    enforce: the issue to work on
  --label-added NAME           enforce: the label the issues.labeled event added (strategy latest keeps
                               it without reading the issue's events); empty or absent for other events
  --max-writes N               reconcile: stop after N writes (default 400); the next run resumes there
  --config-ref REF             the commit whose .github/task-assistant.yml is read (default branch if absent)
  --mode MODE                  preflight: the run's mode (validate, materialize, enforce, self-test)
  --infra-repo, --registry     preflight: where the registry is read (see \`dispatch --help\`)
  --runtime-mode MODE          marketplace (default) or development
  --dry-run                    report, change nothing, write no record
  --record-failure CAUSE       do not run the engine: write its ok=false record naming CAUSE unless it
                               already has one (the engine workflows' last step): checkout, token,
                               cancelled, timeout or crashed
  --json                       print the outcome as JSON
  --app-slug SLUG              enforce: the App whose bot is "us" (default $TA_APP_SLUG, else the
                               release's taskAssistant.appSlug)
  --breaker-runs N             enforce: runs answering another bot on one issue before the circuit
  --breaker-minutes M          breaker stops changing it, within M minutes (default $TA_BREAKER_RUNS,
                               $TA_BREAKER_MINUTES, else the release's taskAssistant.circuitBreaker: 5, 10)

Preflight refusing a disabled or unregistered repository is not a failure: it records the refusal,
writes ok=false, adds a notice to the job summary and exits 0. Other failed checks exit 1.

Exit codes: 0 ok · 1 the engine failed or its record could not be written · 2 refused input · 3 GitHub failed.
`,
    load: () => import("../runtime/engine-run-command.js"),
  },
};
