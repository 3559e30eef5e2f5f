import { sameGitHubName } from "./github-names.js";
import type { ChangelogLine, OrgEntry, RegistryV2, RepoEntry } from "./registry-types.js";
import { registryTimestamp } from "./registry-types.js";
import { checkRegistryValue } from "./validate-registry.js";

/** Why a mutation was refused: what is wrong, and what would fix it. */
export interface Refusal {
  message: string;
  hint: string;
  /** The command-line flag the refusal is about, when there is one (`owner`, `telemetry-repo`...). */
  field?: string;
}

/** The outcome of a pure planner: the registry after the change and its changelog line, or a refusal. */
export type MutationPlan =
  { ok: true; registry: RegistryV2; line: ChangelogLine; summary: string } | { ok: false; refusal: Refusal };

export function refuse(message: string, hint: string, field?: string): MutationPlan {
  return { ok: false, refusal: field === undefined ? { message, hint } : { message, hint, field } };
}

/**
 * Finds an org by name the way GitHub does (case-insensitively), refusing a spelling that differs
 * from the registry's so the file never holds two spellings of one owner.
 */
export function findOrg(
  registry: RegistryV2,
  owner: string,
): { found: false } | { found: true; org: OrgEntry } | { found: "misspelled"; refusal: MutationPlan } {
  const exact = Object.prototype.hasOwnProperty.call(registry.orgs, owner) ? registry.orgs[owner] : undefined;
  if (exact !== undefined) return { found: true, org: exact };
  const other = Object.keys(registry.orgs).find((name) => sameGitHubName(name, owner));
  if (other === undefined) return { found: false };
  return {
    found: "misspelled",
    refusal: refuse(`org ${owner} is registered as "${other}"`, `use --owner ${other}`, "owner"),
  };
}

/** Like `findOrg`, for a repo inside an org. */
export function findRepo(
  org: OrgEntry,
  owner: string,
  repo: string,
): { found: false } | { found: true; entry: RepoEntry } | { found: "misspelled"; refusal: MutationPlan } {
  const exact = Object.prototype.hasOwnProperty.call(org.repos, repo) ? org.repos[repo] : undefined;
  if (exact !== undefined) return { found: true, entry: exact };
  const other = Object.keys(org.repos).find((name) => sameGitHubName(name, repo));
  if (other === undefined) return { found: false };
  return {
    found: "misspelled",
    refusal: refuse(`${owner}/${repo} is registered as "${owner}/${other}"`, `use --repo ${other}`, "repo"),
  };
}

/** A copy of the registry that a planner may change without touching its input. */
export function copyRegistry(registry: RegistryV2): RegistryV2 {
  return structuredClone(registry);
}

/**
 * Stamps the new registry and line with `now`, and re-validates the result: a planner must never
 * produce a registry that readers would refuse.
 */
export function finishPlan(
  registry: RegistryV2,
  line: Omit<ChangelogLine, "timestamp" | "schema_version">,
  now: Date,
  summary: string,
): MutationPlan {
  const timestamp = registryTimestamp(now);
  registry.generated_at = timestamp;
  const { problems } = checkRegistryValue(registry);
  if (problems.length > 0) {
    return refuse(
      `the change would make the registry invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
      "check the names and values given",
    );
  }
  return {
    ok: true,
    registry,
    line: { timestamp, ...line, schema_version: registry.schema_version },
    summary,
  };
}
