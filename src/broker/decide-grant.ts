import { ENGINE_NAMES } from "../runtime/engine.js";
import {
  combinedAccess,
  covers,
  ENGINE_ACCESS,
  levelsOf,
  maxLevel,
  RECORD_ACCESS,
  type AccessLevels,
  type Level,
} from "../runtime/engine-access.js";
import type { EngineJob } from "./check-job.js";
import { refuse, type Refusal } from "./refusal.js";

/** What the job asks for (`POST /v1/installation-token`): it may only narrow what policy allows. */
export interface GrantRequest {
  readonly owner: string;
  readonly repositories: readonly string[];
  readonly permissions: Readonly<Record<string, string>>;
}

/** The registry's answer for the calling repository. */
export interface Standing {
  readonly outcome: string;
  readonly telemetry_repo?: string | undefined;
}

/** What the broker will ask GitHub for. */
export interface Grant {
  readonly owner: string;
  /** Repository names in the owner, lower-cased and sorted. */
  readonly repositories: readonly string[];
  readonly permissions: Readonly<Record<string, "read" | "write">>;
}

const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const NONE: AccessLevels = { issues: "none", contents: "none" };

/** Reads the request body, naming the field that is wrong. */
export function parseGrantRequest(body: unknown): GrantRequest | Refusal {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return refuse(
      "request_invalid",
      'the body must be { "owner", "repositories": [...], "permissions": {...} }',
    );
  const { owner, repositories, permissions } = body as Record<string, unknown>;
  if (typeof owner !== "string" || !NAME.test(owner))
    return refuse("request_invalid", '"owner" must be the login of the repositories\' owner');
  if (
    !Array.isArray(repositories) ||
    repositories.length === 0 ||
    repositories.length > 10 ||
    repositories.some((name) => typeof name !== "string" || !NAME.test(name))
  )
    return refuse("request_invalid", '"repositories" must list 1 to 10 repository names (without the owner)');
  if (typeof permissions !== "object" || permissions === null || Array.isArray(permissions))
    return refuse("request_invalid", '"permissions" must be an object of permission → "read" | "write"');
  for (const [name, level] of Object.entries(permissions))
    if (level !== "read" && level !== "write")
      return refuse("request_invalid", `"permissions.${name}" must be "read" or "write"`);
  return {
    owner,
    repositories: repositories as string[],
    permissions: permissions as Record<string, string>,
  };
}

/**
 * The most each repository may get for this job (pure): the engine catalog's policy on the job's own
 * repository and on its org's telemetry repository (where the runner also writes the engine's
 * record), from the registry's answer, never from the request. A repository that is not ELIGIBLE gets
 * only what preflight needs to record its refusal: the record, nothing on the repository itself.
 */
export function allowedAccess(job: EngineJob, standing: Standing): Map<string, AccessLevels> | Refusal {
  const telemetry = standing.telemetry_repo;
  if (telemetry === undefined)
    return refuse(
      "registry_refused",
      `${job.repository} is ${standing.outcome} in the registry: no tokens for it`,
    );
  const eligible = standing.outcome === "ELIGIBLE";
  if (!eligible && job.engine !== "preflight")
    return refuse(
      "registry_refused",
      `${job.repository} is ${standing.outcome} in the registry; only preflight runs for it, to record why`,
    );
  const target: AccessLevels = !eligible
    ? NONE
    : job.engine === "preflight"
      ? combinedAccess(ENGINE_NAMES).target
      : levelsOf(ENGINE_ACCESS[job.engine].target);
  const record = eligible
    ? union(levelsOf(ENGINE_ACCESS[job.engine].telemetry), levelsOf(RECORD_ACCESS))
    : levelsOf(RECORD_ACCESS);
  const allowed = new Map<string, AccessLevels>([[job.name.toLowerCase(), target]]);
  const [telemetryOwner, telemetryName] = telemetry.split("/");
  if (telemetryOwner.toLowerCase() === job.owner.toLowerCase()) {
    const key = telemetryName.toLowerCase();
    allowed.set(key, union(allowed.get(key) ?? NONE, record));
  }
  return allowed;
}

/**
 * The grant for a request (pure): the request's owner must be the job's, its repositories among those
 * policy allows, and each permission within what policy allows on every one of them (one token carries
 * one permission set, so a token for two repositories gets only what both may have). Nothing ever
 * reaches the infra repository.
 *
 * @example decideGrant(job, { owner: "acme", repositories: ["widgets"], permissions: { issues: "write" } },
 *   { outcome: "ELIGIBLE", telemetry_repo: "acme/telemetry" }, "ops/infra")
 */
export function decideGrant(
  job: EngineJob,
  request: GrantRequest,
  standing: Standing,
  infraRepository: string,
): Grant | Refusal {
  const owner = request.owner.toLowerCase();
  if (job.repository.toLowerCase() === infraRepository.toLowerCase())
    return refuse(
      "infra_repository",
      `no token is ever issued to or for the infra repository ${infraRepository}`,
    );
  if (owner !== job.owner.toLowerCase())
    return refuse(
      "owner_mismatch",
      `${job.repository} may not have a token for ${request.owner}'s repositories`,
    );
  const repositories = [...new Set(request.repositories.map((name) => name.toLowerCase()))].sort();
  for (const name of repositories)
    if (`${owner}/${name}` === infraRepository.toLowerCase())
      return refuse("infra_repository", `no token ever reaches the infra repository ${infraRepository}`);
  const allowed = allowedAccess(job, standing);
  if (!(allowed instanceof Map)) return allowed;
  let ceiling: AccessLevels = { issues: "write", contents: "write" };
  for (const name of repositories) {
    const limit = allowed.get(name);
    if (limit === undefined)
      return refuse(
        "repository_not_granted",
        `${request.owner}/${name} is neither ${job.repository} nor its org's telemetry repository`,
      );
    ceiling = {
      issues: minLevel(ceiling.issues, limit.issues),
      contents: minLevel(ceiling.contents, limit.contents),
    };
  }
  const permissions: Record<string, "read" | "write"> = { metadata: "read" };
  for (const [name, level] of Object.entries(request.permissions)) {
    if (name === "metadata" && level === "read") continue;
    const known = name === "issues" || name === "contents";
    if (!known || !covers(ceiling[name], level as Level))
      return refuse(
        "permission_not_granted",
        `engine ${job.engine} may not have ${name}: ${level} on ${repositories.map((repo) => `${request.owner}/${repo}`).join(", ")}`,
      );
    permissions[name] = level as "read" | "write";
  }
  return { owner: job.owner, repositories, permissions };
}

function union(a: AccessLevels, b: AccessLevels): AccessLevels {
  return { issues: maxLevel(a.issues, b.issues), contents: maxLevel(a.contents, b.contents) };
}

function minLevel(a: Level, b: Level): Level {
  return covers(a, b) ? b : a;
}
