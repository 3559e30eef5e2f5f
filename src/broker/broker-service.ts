import type { Clock } from "../util/clock.js";
import { checkJob, type EngineJob, type JobPolicy } from "./check-job.js";
import { decideGrant, parseGrantRequest } from "./decide-grant.js";
import type { GitHubApp } from "./github-app.js";
import type { IssuerKeys } from "./issuer-keys.js";
import type { OperatorReads } from "./operator-reads.js";
import { readJobClaims, type JobClaims } from "./read-job-claims.js";
import { refuse, RefusalError, type Refusal } from "./refusal.js";
import type { ReplayStore } from "./replay-guard.js";
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
  readonly keys: Pick<IssuerKeys, "keyFor">;
  readonly app: GitHubApp;
  readonly reads: OperatorReads;
  readonly replay: ReplayStore;
  readonly clock: Clock;
}

/** One exchange's answer and the log line that records it (no token, no key). */
export interface ExchangeResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly log: Record<string, unknown>;
}

type Authenticated = { readonly claims: JobClaims; readonly job: EngineJob };

/** Cached answers come back as values: awaiting only what is pending saves a turn of the event loop. */
const isPending = <T>(value: T | Promise<T>): value is Promise<T> => value instanceof Promise;

const RELEASE_REF = /@refs\/tags\/(v\d+\.\d+\.\d+)$/;

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
  let replayed = parts.replay.replayed(claims.jti, claims.exp, Math.floor(now.getTime() / 1000));
  if (isPending(replayed)) replayed = await replayed;
  if (replayed)
    return refuse(
      "token_replayed",
      `the OIDC token ${claims.jti} was already exchanged; request a fresh one`,
    );
  let releases = parts.reads.releaseSet(
    claims.job_workflow_sha,
    RELEASE_REF.exec(claims.job_workflow_ref)?.[1],
  );
  if (isPending(releases)) releases = await releases;
  const job = checkJob(claims, settings, releases);
  if ("ok" in job) return job;
  return { claims, job };
}

/**
 * `POST /v1/installation-token`: a token narrowed to what the job's engine may have. Every check
 * (token, job, request, registry, the calling repository's current ids, then the App's permissions)
 * passes before a token for the grant is minted or taken from the cache.
 */
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
    let snapshot = parts.reads.registrySnapshot();
    if (isPending(snapshot)) snapshot = await snapshot;
    const grant = decideGrant(
      auth.job,
      request,
      snapshot.resolve(auth.job.repository),
      parts.settings.infraRepository,
    );
    if ("ok" in grant) return refused("installation-token", grant, auth);
    // The calling repository's current ids are checked here too, before any token for the grant
    // is handed out (GitHub itself refuses an id its installation cannot reach).
    let minted = parts.app.token(grant, auth.job.name, auth.claims);
    if (isPending(minted)) minted = await minted;
    const repositories = minted.repositories.map((repo) => repo.name);
    return {
      status: 201,
      body: {
        token: minted.token,
        expires_at: new Date(minted.expiresAt).toISOString(),
        permissions: minted.permissions,
        repositories,
      },
      log: {
        ...logBase("installation-token", auth),
        outcome: "granted",
        status: 201,
        grant: { owner: grant.owner, repositories, permissions: minted.permissions },
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
