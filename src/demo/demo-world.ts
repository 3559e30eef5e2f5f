import type { SeedDocument, SeedIssue, SeedRepo } from "../emulator/seed/seed-types.js";
import { APP_REPOSITORY } from "../runtime/app-repository.js";

/**
 * The demo's world: the operator's org with the infra repository, two customer orgs each with a
 * telemetry repository, three host repositories with realistic issues (conflicting phase and
 * priority labels, missing and wrong milestones), and the Task Assistant App installed everywhere
 * it needs to be. Pure data.
 */

export const OPERATOR = "olivia";
export const OPERATOR_TOKEN = "ghp_demo_operator_olivia_0000000000000";
export const OPS_ORG = "task-assistant-ops";
export const INFRA_REPO = `${OPS_ORG}/task-assistant-infra`;
export const APP_SLUG = "task-assistant";
export const TELEMETRY_NAME = "task-assistant-telemetry";
/** The org and repository of Task Assistant's own code, whose release tags the broker trusts. */
export const [APP_ORG, APP_REPO_NAME] = APP_REPOSITORY.split("/") as [string, string];

export interface DemoHost {
  owner: string;
  repo: string;
  context: "sandbox" | "production";
  reason: string;
  /** Issues whose labels or milestone are inconsistent: the demo delivers a `labeled` event for each. */
  conflicted: number[];
}

export const DEMO_HOSTS: readonly DemoHost[] = [
  {
    owner: "acme",
    repo: "widgets",
    context: "production",
    reason: "Widgets team onboarding (ticket OPS-12)",
    conflicted: [1, 2, 3],
  },
  {
    owner: "acme",
    repo: "widgets-sandbox",
    context: "sandbox",
    reason: "Sandbox where the widgets team tries config changes",
    conflicted: [1],
  },
  {
    owner: "globex",
    repo: "portal",
    context: "production",
    reason: "Customer portal, enforcement requested by the portal maintainers",
    conflicted: [1, 2],
  },
];

/** A config the sandbox team wrote themselves: numbered phases where 3.10 comes after 3.9. */
const SANDBOX_CONFIG = `# yaml-language-server: $schema=https://raw.githubusercontent.com/automated-assistant-systems/task-assistant/main/schemas/task-assistant.config.v1.schema.json
schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint, description: Planned for the current sprint }
labels:
  - { name: phase-3.9, color: "D93F0B", description: "Phase 3.9: hardening" }
  - { name: phase-3.10, color: "B60205", description: "Phase 3.10: launch" }
  - { name: priority/low, color: "D4C5F9", description: Can wait }
  - { name: priority/high, color: "B60205", description: Do first }
milestones:
  - title: "Phase 3.9 – Hardening"
  - title: "Phase 3.10 – Launch"
enforcement:
  exclusivity:
    phase: { mode: enforce, strategy: highest }
    priority: { mode: warn }
  phase_milestones:
    phase-3.9: "Phase 3.9 – Hardening"
    phase-3.10: "Phase 3.10 – Launch"
`;

function issue(title: string, labels: string[], extra: Partial<SeedIssue> = {}): SeedIssue {
  return { title, labels, body: extra.body ?? `${title}.`, ...extra };
}

const widgets: SeedRepo = {
  name: "acme/widgets",
  private: true,
  description: "The widget storefront",
  files: { "README.md": "# Widgets\n\nThe widget storefront.\n", "src/index.ts": "export {};\n" },
  labels: [
    { name: "bug", color: "d73a4a", description: "Something isn't working" },
    // An existing label whose colour differs (in case too) from the config's: materialize updates it.
    { name: "priority/high", color: "ff0000", description: "Urgent" },
  ],
  milestones: [{ title: "Phase 1 – Planning" }],
  issues: [
    issue(
      "Checkout button does nothing on Safari 17",
      ["bug", "phase-1", "phase-2", "priority/low", "priority/high"],
      {
        user: "maria",
        created_at: "2026-11-02T09:14:00Z",
        comments: [{ body: "Reproduced on macOS 15 with Safari 17.6.", user: "devon" }],
      },
    ),
    issue("Export the monthly report as CSV", ["phase-3", "state/todo", "state/in-progress"], {
      user: "devon",
      created_at: "2026-11-05T15:30:00Z",
    }),
    issue("Document the public widgets API", ["phase-2", "priority/medium"], {
      user: "maria",
      milestone: "Phase 1 – Planning",
      created_at: "2026-11-08T11:02:00Z",
    }),
    issue("Typo on the login page", ["priority/low"], { user: "devon", created_at: "2026-11-10T08:45:00Z" }),
  ],
};

const widgetsSandbox: SeedRepo = {
  name: "acme/widgets-sandbox",
  private: true,
  description: "Where the widgets team tries Task Assistant settings",
  files: { "README.md": "# Widgets sandbox\n", ".github/task-assistant.yml": SANDBOX_CONFIG },
  issues: [
    issue("Harden the payment retry loop", ["phase-3.9", "phase-3.10", "priority/high"], {
      user: "maria",
      created_at: "2026-11-12T10:00:00Z",
    }),
  ],
};

const portal: SeedRepo = {
  name: "globex/portal",
  private: true,
  description: "Globex customer portal",
  files: { "README.md": "# Portal\n" },
  issues: [
    issue(
      "Customers cannot reset their password",
      ["phase-1", "phase-3", "priority/high", "priority/medium"],
      {
        user: "gus",
        created_at: "2026-11-03T13:20:00Z",
      },
    ),
    issue("Add dark mode", ["phase-2", "track/sprint", "track/backlog"], {
      user: "gus",
      created_at: "2026-11-06T17:05:00Z",
    }),
    issue("Invoice PDF shows the wrong VAT rate", ["phase-2", "state/done"], {
      user: "gus",
      state: "closed",
      state_reason: "completed",
      created_at: "2026-10-28T09:00:00Z",
      closed_at: "2026-11-09T16:00:00Z",
    }),
  ],
};

function telemetryRepo(owner: string): SeedRepo {
  return {
    name: `${owner}/${TELEMETRY_NAME}`,
    private: true,
    description: `Task Assistant telemetry of ${owner} (append-only records, derived dashboards)`,
    files: { "README.md": `# Task Assistant telemetry of ${owner}\n\nWritten only by Task Assistant.\n` },
  };
}

export function demoWorld(): SeedDocument {
  return {
    users: [
      { login: OPERATOR, name: "Olivia Operator", email: "olivia@task-assistant.example" },
      { login: "maria", name: "Maria Maintainer", email: "maria@acme.example" },
      { login: "devon", name: "Devon Developer", email: "devon@acme.example" },
      { login: "gus", name: "Gus Globex", email: "gus@globex.example" },
    ],
    orgs: [
      { login: OPS_ORG, name: "Task Assistant operators", members: [{ login: OPERATOR, role: "admin" }] },
      { login: "acme", name: "Acme Corp", members: [{ login: "maria", role: "admin" }, "devon"] },
      { login: "globex", name: "Globex", members: [{ login: "gus", role: "admin" }] },
      { login: APP_ORG, name: "Task Assistant", members: [{ login: OPERATOR, role: "admin" }] },
    ],
    repos: [
      {
        name: APP_REPOSITORY,
        private: false,
        description: "Task Assistant: the engines, their reusable workflows and the CLI",
        files: {
          "README.md": "# Task Assistant\n\nEngine workflows run from this repository's release tags.\n",
        },
      },
      {
        name: INFRA_REPO,
        private: true,
        description: "Task Assistant infrastructure registry (operator-controlled, PR-gated)",
      },
      telemetryRepo("acme"),
      telemetryRepo("globex"),
      widgets,
      widgetsSandbox,
      portal,
    ],
    apps: [
      {
        slug: APP_SLUG,
        name: "Task Assistant",
        owner: OPS_ORG,
        permissions: { issues: "write", contents: "write", metadata: "read", pull_requests: "read" },
        events: ["issues", "push", "pull_request"],
      },
    ],
    installations: [
      { app: APP_SLUG, account: "acme", repository_selection: "all" },
      { app: APP_SLUG, account: "globex", repository_selection: "all" },
      {
        app: APP_SLUG,
        account: OPS_ORG,
        repository_selection: "selected",
        repositories: ["task-assistant-infra"],
        permissions: { contents: "read", metadata: "read" },
      },
      // The token broker reads the release tags of the App's own repository with this installation.
      {
        app: APP_SLUG,
        account: APP_ORG,
        repository_selection: "selected",
        repositories: [APP_REPO_NAME],
        permissions: { contents: "read", metadata: "read" },
      },
    ],
    tokens: [{ token: OPERATOR_TOKEN, user: OPERATOR }],
  };
}
