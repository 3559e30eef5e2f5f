import type { SeedDocument, SeedIssue, SeedRepo } from "../../../src/emulator/seed/seed-types.js";
import { APP_REPOSITORY } from "../../../src/runtime/app-repository.js";

/**
 * The shape of an acceptance world, as data: the operators' org with the infra repository, and the
 * customer accounts (orgs or personal accounts), each with its maintainer, its hosts, its telemetry
 * repository and the App's installation on it. Builders take partial overrides so a scenario states
 * only what makes it different.
 */

export const OPS_ORG = "ta-ops";
export const OPERATOR = "olivia";
export const OPERATOR_TOKEN = "ghp_acceptance_operator_olivia_000001";
export const INFRA_NAME = "task-assistant-infra";
export const INFRA_REPO = `${OPS_ORG}/${INFRA_NAME}`;
export const APP_SLUG = "task-assistant";
export const BOT_LOGIN = `${APP_SLUG}[bot]`;
export const TELEMETRY_NAME = "task-assistant-telemetry";
export const ENGINE_REF = "v1.4.0";

/** Where the App is installed on an account: every repository, only the named ones, or not at all. */
export type AppInstallation = "all" | "none" | { readonly repositories: readonly string[] };

export interface HostSpec {
  /** Repository name (without the owner). */
  readonly name: string;
  /** Files on the default branch; a host starts without Task Assistant files unless given here. */
  readonly files: Readonly<Record<string, string>>;
  readonly labels: NonNullable<SeedRepo["labels"]>;
  readonly milestones: NonNullable<SeedRepo["milestones"]>;
  readonly issues: readonly SeedIssue[];
}

export interface CustomerSpec {
  readonly login: string;
  readonly type: "Organization" | "User";
  /** The person who maintains the hosts (an org admin, or the personal account itself). */
  readonly maintainer: string;
  /** Whether `<login>/task-assistant-telemetry` exists. */
  readonly telemetry: boolean;
  readonly app: AppInstallation;
  readonly hosts: readonly HostSpec[];
}

export interface WorldSpec {
  readonly customers: readonly CustomerSpec[];
}

/** An issue whose labels conflict: two phases at once and no milestone. */
export function anIssue(overrides: Partial<SeedIssue> = {}): SeedIssue {
  return {
    title: "Checkout button does nothing on Safari",
    body: "Reproduced on macOS 15.",
    labels: ["phase-1", "phase-2"],
    ...overrides,
  };
}

/** A host repository with a README and one conflicted issue; no Task Assistant files yet. */
export function aHost(name: string, overrides: Partial<Omit<HostSpec, "name">> = {}): HostSpec {
  return {
    name,
    files: { "README.md": `# ${name}\n` },
    labels: [],
    milestones: [],
    issues: [anIssue()],
    ...overrides,
  };
}

/** A customer org with one maintainer, its telemetry repository and the App on all its repositories. */
export function anOrg(
  login: string,
  overrides: Partial<Omit<CustomerSpec, "login" | "type">> = {},
): CustomerSpec {
  return {
    login,
    type: "Organization",
    maintainer: `${login}-maintainer`,
    telemetry: true,
    app: "all",
    hosts: [aHost("widgets")],
    ...overrides,
  };
}

/** A personal account that maintains its own repositories (its telemetry repository is its own too). */
export function aPersonalAccount(
  login: string,
  overrides: Partial<Omit<CustomerSpec, "login" | "type" | "maintainer">> = {},
): CustomerSpec {
  return { ...anOrg(login, overrides), type: "User", maintainer: login };
}

export function aWorld(customers: readonly CustomerSpec[] = [anOrg("acme")]): WorldSpec {
  return { customers };
}

/** The token a maintainer uses with the CLI (`install`) and the API (commits, issues). */
export function maintainerToken(login: string): string {
  return `ghp_acceptance_${login.replace(/[^A-Za-z0-9]/g, "_")}_000001`;
}

/**
 * The world as a local GitHub seed. The infra repository holds `infraFiles` (what `infra init`
 * wrote) on a main branch protected like an operator protects it: pull requests only, admins too.
 */
export function worldSeed(spec: WorldSpec, infraFiles: Record<string, string>): SeedDocument {
  const people = new Set<string>([OPERATOR]);
  for (const customer of spec.customers) people.add(customer.maintainer);
  return {
    // Personal accounts are their own maintainers, so every account that acts is in `people`.
    users: [...people].map((login) => ({ login, name: titleCase(login), email: `${login}@example.com` })),
    orgs: [
      { login: OPS_ORG, name: "Task Assistant operators", members: [{ login: OPERATOR, role: "admin" }] },
      // The project's own org: its public repository has the release hosts are installed at.
      { login: APP_REPOSITORY.split("/")[0] },
      ...spec.customers
        .filter((customer) => customer.type === "Organization")
        .map((customer) => ({
          login: customer.login,
          members: [{ login: customer.maintainer, role: "admin" as const }],
        })),
    ],
    repos: [
      { name: APP_REPOSITORY, private: false, files: { "README.md": "# Task Assistant\n" } },
      {
        name: INFRA_REPO,
        private: true,
        files: infraFiles,
        protection: {
          main: {
            required_pull_request_reviews: { required_approving_review_count: 0 },
            enforce_admins: true,
          },
        },
      },
      ...spec.customers.flatMap((customer) => [
        ...(customer.telemetry
          ? [
              {
                name: `${customer.login}/${TELEMETRY_NAME}`,
                private: true,
                files: { "README.md": `# Task Assistant telemetry of ${customer.login}\n` },
              },
            ]
          : []),
        ...customer.hosts.map((host) => ({
          name: `${customer.login}/${host.name}`,
          private: true,
          files: { ...host.files },
          labels: [...host.labels],
          milestones: [...host.milestones],
          issues: host.issues.map((issue) => ({ user: customer.maintainer, ...issue })),
        })),
      ]),
    ],
    apps: [
      {
        slug: APP_SLUG,
        name: "Task Assistant",
        owner: OPS_ORG,
        permissions: { issues: "write", contents: "write", metadata: "read" },
        events: ["issues", "push", "pull_request"],
      },
    ],
    installations: [
      {
        app: APP_SLUG,
        account: OPS_ORG,
        repository_selection: "selected",
        repositories: [INFRA_NAME],
        permissions: { contents: "read", metadata: "read" },
      },
      ...spec.customers.flatMap((customer) => appInstallation(customer.login, customer.app)),
    ],
    tokens: [
      { token: OPERATOR_TOKEN, user: OPERATOR },
      ...[...people]
        .filter((login) => login !== OPERATOR)
        .map((login) => ({ token: maintainerToken(login), user: login })),
    ],
  };
}

/** The seed entry that installs the App on `account` as `app` says (none: no entry). */
export function appInstallation(
  account: string,
  app: AppInstallation,
): NonNullable<SeedDocument["installations"]> {
  if (app === "none") return [];
  if (app === "all") return [{ app: APP_SLUG, account, repository_selection: "all" }];
  return [{ app: APP_SLUG, account, repository_selection: "selected", repositories: [...app.repositories] }];
}

function titleCase(login: string): string {
  return login.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => `${dash ? " " : ""}${letter.toUpperCase()}`,
  );
}
