/**
 * The registry v2 document (DESIGN §5.1) and its changelog line (§5.2), as plain data. The JSON
 * Schemas in `schemas/` describe the same shapes for editors and other tools; `validate-registry.ts`
 * and `validate-changelog.ts` are the checks this build runs.
 */

/** The schema versions this build reads and writes. Every other version is refused by name. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly string[] = ["2.0"];
export const CURRENT_SCHEMA_VERSION = "2.0";

/** Where the registry and its changelog live inside an infra checkout. */
export const REGISTRY_PATH = "infra/telemetry-registry.v2.json";
export const CHANGELOG_PATH = "infra/changelog/infra-changelog.jsonl";

/** What the infra CLI records as `process` on every entry and changelog line it writes. */
export const INFRA_CLI_PROCESS = "infra-cli";

export const REPO_STATES = ["enabled", "disabled"] as const;
export const REPO_CONTEXTS = ["sandbox", "production"] as const;
export const CHANGELOG_ACTIONS = ["register", "enable", "disable", "unregister"] as const;

export type RepoState = (typeof REPO_STATES)[number];
export type RepoContext = (typeof REPO_CONTEXTS)[number];
export type ChangelogAction = (typeof CHANGELOG_ACTIONS)[number];

export interface RepoEntry {
  state: RepoState;
  context: RepoContext;
  process: string;
  reason: string;
}

export interface OrgEntry {
  /** `<org>/<name>`, always in the same org. */
  telemetry_repo: string;
  repos: Record<string, RepoEntry>;
}

export interface RegistryV2 {
  schema_version: string;
  generated_at: string;
  description?: string;
  orgs: Record<string, OrgEntry>;
}

/** One line of `infra-changelog.jsonl`: one mutation, enough to replay it exactly. */
export interface ChangelogLine {
  timestamp: string;
  action: ChangelogAction;
  owner: string;
  repo: string;
  /** The repo's context (every action records it, so each line reads on its own). */
  context?: RepoContext;
  /** The org's telemetry repo, `<owner>/<name>`; recorded by `register`. */
  telemetry_repo?: string;
  reason: string;
  process: string;
  schema_version: string;
}

/** The timestamp format of `generated_at` and changelog lines: UTC, second precision. */
export function registryTimestamp(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}
