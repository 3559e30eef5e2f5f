import { APP_REPOSITORY } from "./app-repository.js";
import { ENGINE_NAMES, type EngineName } from "./engine.js";
import {
  combinedAccess,
  covers,
  ENGINE_ACCESS,
  levelsOf,
  maxLevel,
  RECORD_ACCESS,
  type AccessLevels,
} from "./engine-access.js";
import { checkEngineRef } from "./engine-ref-policy.js";

/** The GitHub Actions OIDC claims the token broker decides on (already verified by the caller). */
export interface ActionsClaims {
  readonly iss: string;
  readonly aud: string | readonly string[];
  /** `owner/repo` of the workflow run: the host repository. */
  readonly repository: string;
  readonly repository_owner: string;
  /** The reusable workflow the job runs: `<app repo>/.github/workflows/engine-<name>.yml@<ref>`. */
  readonly job_workflow_ref: string;
}

export interface BrokerRequest {
  readonly owner: string;
  readonly repositories: readonly string[];
  readonly permissions: Readonly<Record<string, string>>;
}

/** The registry's answer for the host repository. */
export interface HostStanding {
  readonly outcome: string;
  readonly telemetry_repo?: string | undefined;
}

export type TokenAuthorization =
  | {
      readonly ok: true;
      readonly engine: EngineName;
      readonly ref: string;
      readonly repositories: string[];
      readonly permissions: Record<string, "read" | "write">;
    }
  | { readonly ok: false; readonly status: 400 | 403; readonly message: string };

export const ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

const ENGINE_WORKFLOW_REF = new RegExp(
  `^${APP_REPOSITORY.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/\\.github/workflows/engine-([a-z-]+)\\.yml@(.+)$`,
);

/** Which engine of this project, at which release, the OIDC claims say the job runs. */
export function identifyEngineJob(
  claims: ActionsClaims,
  audience: string,
): { ok: true; engine: EngineName; ref: string } | { ok: false; message: string } {
  const audiences = typeof claims.aud === "string" ? [claims.aud] : claims.aud;
  if (claims.iss !== ACTIONS_ISSUER)
    return { ok: false, message: `tokens are issued to GitHub Actions jobs only, not to ${claims.iss}` };
  if (!audiences.includes(audience))
    return { ok: false, message: `the OIDC token is for ${audiences.join(", ")}, not ${audience}` };
  const workflow = ENGINE_WORKFLOW_REF.exec(claims.job_workflow_ref);
  if (workflow === null || !(ENGINE_NAMES as readonly string[]).includes(workflow[1]))
    return {
      ok: false,
      message: `${claims.job_workflow_ref} is not an engine workflow of ${APP_REPOSITORY}`,
    };
  const ref = workflow[2].replace(/^refs\/tags\//, "");
  if (!checkEngineRef(ref, "marketplace").ok)
    return { ok: false, message: `engine workflows run from release tags or SHAs, not ${workflow[2]}` };
  return { ok: true, engine: workflow[1] as EngineName, ref };
}

/**
 * The token broker's decision (pure): may this engine job have an installation token for this request?
 * Only a job running one of this project's engine workflows at a release ref may ask; only for its own
 * repository and its org's registered telemetry repository — never another owner's (tenant isolation,
 * the defect of keeping the App key in host repositories); only within the engine's least-privilege
 * policy; and, except for preflight (which must be able to record why a run is refused), only for a
 * repository the registry holds ELIGIBLE.
 *
 * @example authorizeTokenRequest(claims, { owner: "acme", repositories: ["widgets"], permissions: { issues: "write" } },
 *   { outcome: "ELIGIBLE", telemetry_repo: "acme/telemetry" }, "task-assistant").ok
 */
export function authorizeTokenRequest(
  claims: ActionsClaims,
  request: BrokerRequest,
  standing: HostStanding,
  audience: string,
): TokenAuthorization {
  const deny = (message: string, status: 400 | 403 = 403): TokenAuthorization => ({
    ok: false,
    status,
    message,
  });
  const job = identifyEngineJob(claims, audience);
  if (!job.ok) return deny(job.message);
  const { engine, ref } = job;

  const [hostOwner, hostName] = claims.repository.split("/");
  const owner = request.owner.toLowerCase();
  if (owner !== claims.repository_owner.toLowerCase() || hostOwner.toLowerCase() !== owner)
    return deny(`${claims.repository} may not have a token for ${request.owner}'s repositories`);
  const telemetry = standing.telemetry_repo;
  if (telemetry === undefined) return deny(`${claims.repository}'s org is not in the registry`);
  if (engine !== "preflight" && standing.outcome !== "ELIGIBLE")
    return deny(`${claims.repository} is ${standing.outcome} in the registry; only preflight runs for it`);
  const telemetryName = telemetry.split("/")[1];

  const allowed: Record<string, AccessLevels> = {
    [hostName.toLowerCase()]:
      engine === "preflight" ? combinedAccess(ENGINE_NAMES).target : levelsOf(ENGINE_ACCESS[engine].target),
    [telemetryName.toLowerCase()]: union(levelsOf(ENGINE_ACCESS[engine].telemetry), levelsOf(RECORD_ACCESS)),
  };
  if (request.repositories.length === 0) return deny("name the repositories the token must reach", 400);
  let ceiling: AccessLevels = { issues: "none", contents: "none" };
  for (const repo of request.repositories) {
    const limit = allowed[repo.toLowerCase()];
    if (limit === undefined)
      return deny(`${request.owner}/${repo} is neither ${claims.repository} nor its telemetry repository`);
    ceiling = union(ceiling, limit);
  }
  const permissions: Record<string, "read" | "write"> = { metadata: "read" };
  for (const [name, level] of Object.entries(request.permissions)) {
    if (name === "metadata" && level === "read") continue;
    const known = (name === "issues" || name === "contents") && (level === "read" || level === "write");
    if (!known || !covers(ceiling[name], level))
      return deny(`engine ${engine} may not have ${name}:${level} on ${request.repositories.join(", ")}`);
    permissions[name] = level;
  }
  return { ok: true, engine, ref, repositories: [...request.repositories], permissions };
}

/**
 * The broker's decision on a registry question (pure): only a preflight job of this project, at a
 * release, and only about its own repository. Preflight (whose token request must name the telemetry
 * repository) learns it here, without ever seeing the registry.
 */
export function authorizeRegistryQuery(
  claims: ActionsClaims,
  repository: string,
  audience: string,
): { ok: true } | { ok: false; status: 403; message: string } {
  const job = identifyEngineJob(claims, audience);
  if (!job.ok) return { ok: false, status: 403, message: job.message };
  if (job.engine !== "preflight")
    return { ok: false, status: 403, message: "only preflight reads the registry" };
  if (repository.toLowerCase() !== claims.repository.toLowerCase())
    return {
      ok: false,
      status: 403,
      message: `${claims.repository} may ask about itself only, not ${repository}`,
    };
  return { ok: true };
}

function union(a: AccessLevels, b: AccessLevels): AccessLevels {
  return { issues: maxLevel(a.issues, b.issues), contents: maxLevel(a.contents, b.contents) };
}
