import type { CommandTable } from "../command.js";

export const commands: CommandTable = {
  serve: {
    summary: "run the token broker: job OIDC tokens in, narrowed installation tokens out",
    usage: `Usage: task-assistant broker serve [--port N] [--host H] [options]

Runs the token broker, the only holder of the App's private key. An engine job sends its GitHub
Actions OIDC token; the broker verifies it against the issuer's keys, checks that the job runs an
engine workflow of the app repository at the exact commit of a release, for a repository whose
current ids are in the token, and answers an installation token narrowed to what the registry and
the engine catalog allow that job. Endpoints (JSON):

  POST /v1/installation-token    { owner, repositories, permissions } → { token, expires_at, ... }
  POST /v1/registry-resolution   { repository } → the registry's answer (preflight only)
  GET  /healthz                  { status: "ok" }

A refusal is { code, message }: 401 for a token that cannot be verified, 403 for a policy refusal.
Stdout gets one JSON line per exchange (granted or refused, the code, the claims decided on); never
a token or a key. Stateless apart from caches: run several behind a load balancer if you like. Each
job token is exchanged once: its jti is remembered until it expires, in memory (per instance) or, with
--replay-dir, in a directory every instance shares, so a token replayed to another instance is
refused too.
SIGINT or SIGTERM stops accepting, lets exchanges in flight finish, and exits 130 or 143.

Each setting is a flag or an environment variable; the flag wins.
  --port N                  TA_BROKER_PORT            TCP port (default 8080; 0 for a free one)
  --host H                  TA_BROKER_HOST            address to listen on (default 127.0.0.1;
                                                      0.0.0.0 in a container, behind TLS)
  --app-id ID               TA_APP_ID                 the GitHub App's numeric id (required)
  --private-key-file PATH   TA_APP_PRIVATE_KEY_FILE   the App's PEM private key, e.g. a mounted secret
                            TA_APP_PRIVATE_KEY        ... or the PEM text itself (one of the two is required)
  --issuer URL              TA_BROKER_ISSUER          OIDC issuer whose tokens are accepted
                                                      (default https://token.actions.githubusercontent.com)
  --audience AUD            TA_BROKER_AUDIENCE        the "aud" job tokens must carry (default task-assistant)
  --app-repo OWNER/REPO     TA_APP_REPO               repository whose engine-*.yml workflows are trusted, at
                                                      release tags vX.Y.Z (default automated-assistant-systems/task-assistant)
  --infra-repo OWNER/REPO   TA_INFRA_REPO             the operator's infra repository holding the registry (required)
  --api-url URL             GITHUB_API_URL            GitHub's REST API (default https://api.github.com)
  --allowed-events LIST     TA_BROKER_ALLOWED_EVENTS  comma-separated event_names whose jobs get tokens
                                                      (default issues,push,pull_request,schedule,workflow_dispatch)
  --allow-self-hosted       TA_BROKER_ALLOW_SELF_HOSTED=true
                                                      also serve jobs on self-hosted runners (default: refused)
  --replay-dir DIR          TA_BROKER_REPLAY_DIR      directory shared by all instances for the jti replay
                                                      guard (created if missing): one file per jti, created
                                                      exclusively (O_EXCL), swept after the token expires.
                                                      Local disk for instances on one host; across hosts a
                                                      filesystem with atomic exclusive create (NFSv4, not
                                                      NFSv2/3). Default: each instance's memory
  --json                                              print the start line as JSON (log lines are always JSON)

URLs must be https (plain http only on 127.0.0.1/localhost, for the local GitHub).

Exit codes: 130 / 143 stopped by SIGINT / SIGTERM · 2 a setting is missing or malformed, or
--replay-dir cannot be written (named in the message) · 3 cannot listen on the port.

Example:
  TA_APP_ID=12345 TA_APP_PRIVATE_KEY_FILE=/run/secrets/app.pem \\
    task-assistant broker serve --host 0.0.0.0 --port 8080 --infra-repo acme-ops/infra
`,
    load: () => import("../broker/serve.js"),
  },
};
