import type { JWTVerifyGetKey } from "jose";
import type { Clock } from "../util/clock.js";
import { checkJob, checkRepositoryIdentity, type EngineJob, type JobPolicy } from "./check-job.js";
import { decideGrant, parseGrantRequest } from "./decide-grant.js";
import type { GitHubApp } from "./github-app.js";
import type { OperatorReads } from "./operator-reads.js";
import { readJobClaims, type JobClaims } from "./read-job-claims.js";
import { refuse, RefusalError, type Refusal } from "./refusal.js";
import type { ReplayGuard } from "./replay-guard.js";
import { verifyJobToken } from "./verify-job-token.js";

export interface BrokerSettings extends JobPolicy {
  readonly issuer: string;
  readonly audience: string;
  readonly infraRepository: string;
  /** Tolerance for `exp`, `nbf`, `iat` (≤ 60). */
  readonly skewSeconds: number;
  readonly maxTokenBytes: number;
}

export interface BrokerParts {
  readonly settings: BrokerSettings;
  readonly keys: JWTVerifyGetKey;
  readonly app: GitHubApp;
  readonly reads: OperatorReads;
  readonly replay: ReplayGuard;
  readonly clock: Clock;
}

/** One exchange's answer and the log line that records it (no token, no key). */
export interface ExchangeResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly log: Record<string, unknown>;
}

type Authenticated = { readonly claims: JobClaims; readonly job: EngineJob };

/** Verifies the bearer OIDC token and identifies the engine job it proves. */
async function authenticate(
  parts: BrokerParts,
  bearer: string | undefined,
): Promise<Authenticated | Refusal> {
  const { settings } = parts;
  if (bearer === undefined || bearer === "")
    return refuse("token_missing", "send the job's OIDC token as Authorization: Bearer <token>");
  const now = parts.clock.now();
  const payload = await verifyJobToken(bearer, parts.keys, {
    issuer: settings.issuer,
    audience: settings.audience,
    now,
    skewSeconds: settings.skewSeconds,
    maxTokenBytes: settings.maxTokenBytes,
  });
  if ("ok" in payload && payload.ok === false) return payload as Refusal;
  const claims = readJobClaims(payload as Record<string, unknown>);
  if ("ok" in claims) return claims;
  if (parts.replay.replayed(claims.jti, claims.exp, Math.floor(now.getTime() / 1000)))
    return refuse(
      "token_replayed",
      `the OIDC token ${claims.jti} was already exchanged; request a fresh one`,
    );
  const named = /@refs\/tags\/(v\d+\.\d+\.\d+)$/.exec(claims.job_workflow_ref)?.[1];
  const releases = await parts.reads.releaseSet(claims.job_workflow_sha, named);
  const job = checkJob(claims, settings, releases);
  if ("ok" in job) return job;
  return { claims, job };
}

/** `POST /v1/installation-token`: a token narrowed to what the job's engine may have. */
export async function exchangeToken(
  parts: BrokerParts,
  bearer: string | undefined,
  body: unknown,
): Promise<ExchangeResult> {
  let seen: Authenticated | undefined;
  try {
    const auth = await authenticate(parts, bearer);
    if ("ok" in auth) return refused("installation-token", auth, undefined);
    seen = auth;
    const request = parseGrantRequest(body);
    if ("ok" in request) return refused("installation-token", request, auth);
    const standing = (await parts.reads.registrySnapshot()).resolve(auth.job.repository);
    const grant = decideGrant(auth.job, request, standing, parts.settings.infraRepository);
    if ("ok" in grant) return refused("installation-token", grant, auth);
    const minted = await parts.app.token(grant, auth.job.name);
    const installation = await parts.app.installation(auth.job.owner, auth.job.name);
    const own = auth.job.name.toLowerCase();
    let repository = minted.repositories.find((repo) => repo.name.toLowerCase() === own);
    if (repository === undefined) {
      const probe = await parts.app.token(
        { owner: auth.job.owner, repositories: [own], permissions: { metadata: "read" } },
        auth.job.name,
      );
      repository = probe.repositories.find((repo) => repo.name.toLowerCase() === own);
    }
    const identity = checkRepositoryIdentity(auth.claims, {
      ownerId: installation.accountId,
      repositoryId: repository?.id,
    });
    if (identity !== undefined) return refused("installation-token", identity, auth);
    const answer = {
      token: minted.token,
      expires_at: new Date(minted.expiresAt).toISOString(),
      permissions: minted.permissions,
      repositories: minted.repositories.map((repo) => repo.name),
    };
    return {
      status: 201,
      body: answer,
      log: {
        ...logBase("installation-token", auth),
        outcome: "granted",
        status: 201,
        grant: { owner: grant.owner, repositories: answer.repositories, permissions: answer.permissions },
      },
    };
  } catch (error) {
    if (error instanceof RefusalError) return refused("installation-token", error.refusal, seen);
    throw error;
  }
}

/** `POST /v1/registry-resolution`: the registry's answer for the preflight job's own repository. */
export async function resolveRegistry(
  parts: BrokerParts,
  bearer: string | undefined,
  body: unknown,
): Promise<ExchangeResult> {
  let seen: Authenticated | undefined;
  try {
    const auth = await authenticate(parts, bearer);
    if ("ok" in auth) return refused("registry-resolution", auth, undefined);
    seen = auth;
    const repository = (body as { repository?: unknown } | null)?.repository;
    if (typeof repository !== "string")
      return refused(
        "registry-resolution",
        refuse("request_invalid", '"repository" must be "owner/repo"'),
        auth,
      );
    if (auth.job.engine !== "preflight")
      return refused(
        "registry-resolution",
        refuse("not_preflight", "only preflight asks the registry"),
        auth,
      );
    if (repository.toLowerCase() !== auth.job.repository.toLowerCase())
      return refused(
        "registry-resolution",
        refuse(
          "repository_not_granted",
          `${auth.job.repository} may ask about itself only, not ${repository}`,
        ),
        auth,
      );
    const { outcome, reason, registry_sha, context, state, telemetry_repo } = (
      await parts.reads.registrySnapshot()
    ).resolve(auth.job.repository);
    return {
      status: 200,
      body: { outcome, reason, registry_sha, context, state, telemetry_repo },
      log: { ...logBase("registry-resolution", auth), outcome: "granted", status: 200, registry: outcome },
    };
  } catch (error) {
    if (error instanceof RefusalError) return refused("registry-resolution", error.refusal, seen);
    throw error;
  }
}

function logBase(endpoint: string, auth: Authenticated | undefined): Record<string, unknown> {
  return {
    event: "exchange",
    endpoint,
    ...(auth === undefined
      ? {}
      : {
          claims: {
            repository: auth.claims.repository,
            repository_id: auth.claims.repository_id,
            repository_owner_id: auth.claims.repository_owner_id,
            job_workflow_ref: auth.claims.job_workflow_ref,
            job_workflow_sha: auth.claims.job_workflow_sha,
            event_name: auth.claims.event_name,
            runner_environment: auth.claims.runner_environment,
            jti: auth.claims.jti,
          },
          engine: auth.job.engine,
          release: auth.job.release,
        }),
  };
}

function refused(endpoint: string, refusal: Refusal, auth: Authenticated | undefined): ExchangeResult {
  return {
    status: refusal.status,
    body: { code: refusal.code, message: refusal.message },
    log: {
      ...logBase(endpoint, auth),
      outcome: "refused",
      status: refusal.status,
      code: refusal.code,
      reason: refusal.message,
    },
  };
}
