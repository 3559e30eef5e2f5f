import { UsageError, type Problem } from "../errors.js";
import { decodeInfraFile } from "./decode-infra-file.js";
import { githubNameKey } from "./github-names.js";
import type { RegistryV2, RepoContext, RepoState } from "./registry-types.js";
import { validateRegistryText } from "./validate-registry.js";

export type ResolutionOutcome =
  "ELIGIBLE" | "DISABLED" | "UNREGISTERED" | "ORG_UNREGISTERED" | "REGISTRY_INVALID" | "UNSUPPORTED_SCHEMA";

/** What the registry says about one `owner/repo` (DESIGN §5.1). Only `ELIGIBLE` lets engines run. */
export interface Resolution {
  readonly outcome: ResolutionOutcome;
  /** As spelled in the registry when found there (GitHub names are case-insensitive), else as asked. */
  readonly owner: string;
  readonly repo: string;
  readonly context?: RepoContext;
  readonly state?: RepoState;
  /** The org's telemetry repo, whenever the org is registered. */
  readonly telemetry_repo?: string;
  /** Git blob SHA of the registry bytes this answer was read from. */
  readonly registry_sha: string;
  readonly reason: string;
  /** Why the registry could not be used (REGISTRY_INVALID, UNSUPPORTED_SCHEMA). */
  readonly problems?: readonly Problem[];
}

export interface EnabledOrgRepos {
  owner: string;
  telemetry_repo: string;
  repos: string[];
}

/** A registry validated once, answering lookups without re-reading it. */
export interface RegistrySnapshot {
  readonly sha: string;
  readonly valid: boolean;
  readonly problems: readonly Problem[];
  /** The validated document (undefined when invalid); treat as read-only. */
  readonly registry: RegistryV2 | undefined;
  /** Resolves `"owner/repo"`; throws `UsageError` for text not of that form. */
  resolve(fullName: string): Resolution;
  /** Every enabled repo grouped by org, orgs and repos sorted; empty for an invalid registry. */
  enabledRepos(): EnabledOrgRepos[];
}

const HIT_CACHE_LIMIT = 65_536;
const ORG_UNREGISTERED_REASON =
  " is not in the registry; nothing runs for repositories the registry does not name";
const UNREGISTERED_REASON = " is not; register it with `task-assistant infra register`";

interface OrgIndexEntry {
  owner: string;
  telemetry_repo: string;
  repos: Map<string, RepoIndexEntry> | undefined;
}

interface RepoIndexEntry {
  owner: string;
  repo: string;
  resolution: Resolution | undefined;
}

/**
 * Reads registry text (the bytes whose git blob SHA is `sha`): validates it once, then answers
 * every lookup from an index. An invalid registry resolves every repo to `REGISTRY_INVALID` (or
 * `UNSUPPORTED_SCHEMA`): nothing is guessed from a broken file. Readers of files call it through
 * `readRegistryBytes`, so every one decodes the bytes the same way.
 *
 * @example readRegistry(text, { sha }).resolve("acme/widgets").outcome // "ELIGIBLE"
 */
export function readRegistry(text: string, options: { sha: string; file?: string }): RegistrySnapshot {
  const validation = validateRegistryText(text, options.file === undefined ? {} : { file: options.file });
  const sha = options.sha;
  if (!validation.valid) return invalidSnapshot(sha, validation.problems, validation.unsupportedSchema);
  return validSnapshot(sha, validation.registry);
}

/**
 * Reads the registry's bytes as every reader must: decoded by `decodeInfraFile` (a BOM or invalid
 * UTF-8 makes the registry invalid, at its position), then `readRegistry`.
 */
export function readRegistryBytes(
  bytes: Uint8Array,
  options: { sha: string; file?: string },
): RegistrySnapshot {
  const decoded = decodeInfraFile(bytes, options.file);
  if (!decoded.ok) return invalidSnapshot(options.sha, [decoded.problem], undefined);
  return readRegistry(decoded.text, options);
}

function splitFullName(fullName: string): { owner: string; repo: string } {
  const slash = fullName.indexOf("/");
  if (slash <= 0 || slash === fullName.length - 1 || fullName.indexOf("/", slash + 1) !== -1) {
    throw new UsageError(`"${fullName}" is not of the form owner/repo`, {
      hint: "name the repository as owner/repo, e.g. acme/widgets",
    });
  }
  return { owner: fullName.slice(0, slash), repo: fullName.slice(slash + 1) };
}

function invalidSnapshot(
  sha: string,
  problems: readonly Problem[],
  unsupportedSchema: string | undefined,
): RegistrySnapshot {
  const frozenProblems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  const outcome: ResolutionOutcome =
    unsupportedSchema === undefined ? "REGISTRY_INVALID" : "UNSUPPORTED_SCHEMA";
  const first = frozenProblems[0];
  const reason =
    unsupportedSchema === undefined
      ? `the registry is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}; first: ${first ? first.message : "unknown"}); nothing is resolved from a broken registry`
      : (first?.message ?? `schema_version ${unsupportedSchema} is not supported by this build`);
  return {
    sha,
    valid: false,
    problems: frozenProblems,
    registry: undefined,
    resolve(fullName) {
      const { owner, repo } = splitFullName(fullName);
      return Object.freeze({ outcome, owner, repo, registry_sha: sha, reason, problems: frozenProblems });
    },
    enabledRepos: () => [],
  };
}

function validSnapshot(sha: string, registry: RegistryV2): RegistrySnapshot {
  // Keys are lower-cased: GitHub matches owner and repo names case-insensitively, and validation
  // has already refused two entries that differ only by case. Each org's repo index is built on
  // the first lookup in that org, so a one-shot lookup (the CLI, preflight) indexes one org only.
  const orgIndex = new Map<string, OrgIndexEntry>();
  for (const owner of Object.keys(registry.orgs)) {
    orgIndex.set(githubNameKey(owner), {
      owner,
      telemetry_repo: registry.orgs[owner].telemetry_repo,
      repos: undefined,
    });
  }

  function repoIndexOf(org: OrgIndexEntry): Map<string, RepoIndexEntry> {
    const index = new Map<string, RepoIndexEntry>();
    for (const repo of Object.keys(registry.orgs[org.owner].repos)) {
      index.set(githubNameKey(repo), { owner: org.owner, repo, resolution: undefined });
    }
    return index;
  }

  function registered(entry: RepoIndexEntry): Resolution {
    const org = registry.orgs[entry.owner];
    const { state, context, reason } = org.repos[entry.repo];
    const fullName = `${entry.owner}/${entry.repo}`;
    const resolution: Resolution =
      state === "enabled"
        ? {
            outcome: "ELIGIBLE",
            owner: entry.owner,
            repo: entry.repo,
            context,
            state,
            telemetry_repo: org.telemetry_repo,
            registry_sha: sha,
            reason: `${fullName} is registered and enabled (${context}); telemetry goes to ${org.telemetry_repo}`,
          }
        : {
            outcome: "DISABLED",
            owner: entry.owner,
            repo: entry.repo,
            context,
            state,
            telemetry_repo: org.telemetry_repo,
            registry_sha: sha,
            reason: `${fullName} is registered but disabled (${reason}); engines do not run for it`,
          };
    return Object.freeze(resolution);
  }

  let enabled: EnabledOrgRepos[] | undefined;
  // Registered names as callers spell them, for one-lookup repeats (the fanout resolves the same
  // names again and again). Bounded, since case variants of one name are unlimited.
  const hits = new Map<string, Resolution>();

  return {
    sha,
    valid: true,
    problems: Object.freeze([]),
    registry,
    resolve(fullName) {
      const seen = hits.get(fullName);
      if (seen !== undefined) return seen;
      const slash = fullName.indexOf("/");
      if (slash <= 0 || slash === fullName.length - 1 || fullName.indexOf("/", slash + 1) !== -1) {
        splitFullName(fullName);
      }
      const owner = fullName.slice(0, slash);
      const repo = fullName.slice(slash + 1);
      const org = orgIndex.get(githubNameKey(owner));
      // Misses build a fresh object each time (never shared), so they need no freezing.
      if (org === undefined) {
        return {
          outcome: "ORG_UNREGISTERED",
          owner,
          repo,
          registry_sha: sha,
          reason: `org ${owner}${ORG_UNREGISTERED_REASON}`,
        };
      }
      const hit = (org.repos ??= repoIndexOf(org)).get(githubNameKey(repo));
      if (hit !== undefined) {
        const resolution = (hit.resolution ??= registered(hit));
        if (hits.size < HIT_CACHE_LIMIT) hits.set(fullName, resolution);
        return resolution;
      }
      return {
        outcome: "UNREGISTERED",
        owner: org.owner,
        repo,
        telemetry_repo: org.telemetry_repo,
        registry_sha: sha,
        reason: `org ${org.owner} is registered but ${org.owner}/${repo}${UNREGISTERED_REASON}`,
      };
    },
    enabledRepos() {
      enabled ??= Object.keys(registry.orgs)
        .sort(compareCodePoints)
        .map((owner) => {
          const org = registry.orgs[owner];
          const repos = Object.keys(org.repos)
            .filter((repo) => org.repos[repo].state === "enabled")
            .sort(compareCodePoints);
          return { owner, telemetry_repo: org.telemetry_repo, repos };
        })
        .filter((org) => org.repos.length > 0);
      return enabled.map((org) => ({ ...org, repos: [...org.repos] }));
    },
  };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
