import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import { STORE_PRIVATE_PATHS } from "../registry/registry-store.js";

/** The README `infra init` writes: what the repository is and the only way to change it. */
export function infraReadme(): string {
  return `# Task Assistant infra registry

This repository is the single source of truth for Task Assistant: which orgs and repositories
take part, whether each is \`sandbox\` or \`production\`, \`enabled\` or \`disabled\`, and where
each org's telemetry goes. Nothing is discovered or inferred: if it is not in the registry, it
does not exist. It holds no workflows, no code and no secrets.

- \`${REGISTRY_PATH}\` — the registry (schema \`telemetry-registry.v2.schema.json\`).
- \`${CHANGELOG_PATH}\` — one line per change, appended in the same atomic step as the
  registry change, never rewritten.

## Changing the registry

Never edit the files by hand. Every change goes through a branch, the \`infra\` CLI and a pull
request (the task-assistant package's \`scripts/infra/infra.sh <command>\` and
\`scripts/infra/helpers/*.sh\` run the same commands):

\`\`\`sh
task-assistant infra branch register-acme-widgets
task-assistant infra register --owner acme --repo widgets --context production \\
  --telemetry-repo task-assistant-telemetry --reason "Widgets team onboarding"
task-assistant infra finalize          # validates against main and stages both files
git commit -m "Register acme/widgets"
task-assistant infra pr create         # pushes and opens the pull request
task-assistant infra pr merge          # re-validates the PR head, squash-merges, updates main
\`\`\`

Other changes: \`infra enable|disable --owner O --repo R --reason TEXT\`,
\`infra unregister --owner O --repo R --reason TEXT --confirm\`. Inspect with \`infra list\`,
\`infra resolve O/R\` and \`infra validate [--staged]\`. Give up a change with \`infra abort\`.

Rules enforced on every change: \`context\` is explicit (\`sandbox\` or \`production\`); every
entry has a non-empty \`reason\` and \`process\`; an org's telemetry repository is in the same org
and is not itself a monitored repository; \`schema_version\` must be one the readers support.
Protect \`main\` so that it only changes through reviewed pull requests.
`;
}

/** Keeps the CLI's transient files (lock, journal, staged temps) out of commits. */
export function infraGitignore(): string {
  return `# Transient files of the task-assistant infra CLI (lock, journal, staged writes)\n${STORE_PRIVATE_PATHS.map((path) => `/${path}`).join("\n")}\n`;
}
