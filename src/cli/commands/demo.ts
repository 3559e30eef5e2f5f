import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  "": {
    summary: "run the whole system offline against a seeded local GitHub",
    usage: `Usage: task-assistant demo [--state-dir DIR] [--port N] [--dashboard-port N] [--broker-port N] [--exit]

Starts a local GitHub with a seeded world (an operators' org with the infra repository, two
customer orgs with their telemetry repositories, three host repositories with conflicting issue
labels, the App's own repository with a release tag, the Task Assistant App installed) and the
token broker beside it, then does what operators and maintainers do, each step a real
task-assistant command: the operator bootstraps the infra registry and registers three
repositories through a pull request; maintainers install Task Assistant; materialize, validate,
enforce (issue events) and self-test runs are dispatched as GitHub Actions would run them, each
engine job holding no key, only its OIDC token (issued by the local GitHub), which the broker
exchanges for a narrowed installation token; one refusal of the broker is shown; each org's
dashboards are built. It prints an account of every step, the broker's URL and the URL of the
dashboards, served until Ctrl-C. The broker's log (one JSON line per exchange) is broker.log in
the state directory.

Options:
  --state-dir DIR       keep the world in DIR (default: a fresh temporary directory, removed at the
                        end). Running again with the same DIR adds new runs to the existing world.
  --port N              port of the local GitHub (default: a free one)
  --dashboard-port N    port of the dashboard page (default: a free one)
  --broker-port N       port of the token broker (default: a free one)
  --actions             run every event through the workflow files on the Actions runner
                        (src/actions-runner) instead of one CLI command per job: the host's
                        installed dispatcher calls dispatch.yml at the channel, and each plan,
                        preflight and engine job checks out the release (published from this
                        checkout with release prepare/publish) and runs its bundle. Prints each
                        job with its conclusion and duration. Needs a clone of the project;
                        takes a few minutes instead of about 15 s.
  --host OWNER/REPO     dispatch only this host's events (repeatable; acme/widgets,
                        acme/widgets-sandbox or globex/portal); every host is still registered
                        and installed, and dashboards are built for the hosts dispatched
  --exit                stop after printing instead of serving until Ctrl-C

While the demo serves, other task-assistant commands in another terminal use its local GitHub
(it records its address under $TASK_ASSISTANT_HOME, default ~/.task-assistant).

Exit codes: 0 the demo ran · 2 refused flags · 3 a step failed (its output says why).`,
    load: () => import("../demo/demo-command.js"),
  },
};
