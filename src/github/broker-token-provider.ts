import { ExternalError } from "../errors.js";
import type { TokenSource } from "./token-source.js";
import type { IssuedToken, TokenProvider, TokenRequest } from "./token-provider.js";

/** The audience engine jobs request their OIDC token for; the broker accepts no other. */
export const BROKER_AUDIENCE = "task-assistant";

/** The broker's exchange endpoint, relative to `TA_TOKEN_BROKER_URL`. */
export const BROKER_TOKEN_PATH = "/v1/installation-token";

/** The broker's registry endpoint: the registry's answer for the calling job's repository only. */
export const BROKER_REGISTRY_PATH = "/v1/registry-resolution";

/** What the broker answers about the calling repository (the fields preflight records). */
export interface BrokerRegistryAnswer {
  outcome: string;
  reason: string;
  registry_sha: string;
  context?: string;
  state?: string;
  telemetry_repo?: string;
}

/** What the broker answers: an installation token and what GitHub granted it. */
export interface BrokerGrant {
  token: string;
  permissions: Record<string, string>;
  repositories: string[];
}

/**
 * Tokens from the App's token broker. The job proves who it is with its GitHub Actions OIDC token
 * (repository, workflow file and ref are in its claims); the broker, which alone holds the App's
 * private key, checks the claims against the registry and the engine's least-privilege policy and
 * answers an installation token narrowed to the request. A refusal surfaces as `ExternalError`
 * carrying the broker's status.
 */
export function createBrokerTokenProvider(
  source: Extract<TokenSource, { kind: "broker" }>,
  options: { fetch?: typeof globalThis.fetch } = {},
): TokenProvider {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const minted = new Map<string, Promise<IssuedToken>>();
  return {
    kind: "broker",
    issue(request) {
      const key = JSON.stringify([
        request.owner.toLowerCase(),
        [...request.repositories].sort(),
        request.permissions,
      ]);
      let token = minted.get(key);
      if (token === undefined) {
        token = exchange(fetchImpl, source, request);
        token.catch(() => minted.delete(key));
        minted.set(key, token);
      }
      return token;
    },
  };
}

async function exchange(
  fetchImpl: typeof globalThis.fetch,
  source: Extract<TokenSource, { kind: "broker" }>,
  request: TokenRequest,
): Promise<IssuedToken> {
  const oidc = await requestOidcToken(fetchImpl, source.oidc);
  const response = await send(fetchImpl, `${source.url}${BROKER_TOKEN_PATH}`, {
    method: "POST",
    headers: { authorization: `Bearer ${oidc}`, "content-type": "application/json" },
    body: JSON.stringify({
      owner: request.owner,
      repositories: request.repositories,
      permissions: request.permissions,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<BrokerGrant> & { message?: string };
  if (!response.ok || typeof body.token !== "string") {
    throw new ExternalError(
      `the token broker refused ${request.owner}/{${request.repositories.join(",")}} (HTTP ${response.status})${body.message ? `: ${body.message}` : ""}`,
      {
        status: response.status,
        hint: "the broker issues tokens only to registered repositories' engine workflows",
      },
    );
  }
  return {
    token: body.token,
    grant: {
      permissions: body.permissions ?? {},
      repositories: body.repositories ?? [...request.repositories],
    },
  };
}

/**
 * Preflight on GitHub Actions: the registry's answer for `repo`, the job's own repository, from the
 * broker (which reads the private infra repository with the App's installation). The host job never
 * sees the registry itself, so no customer learns another's repositories.
 */
export async function requestRegistryAnswer(
  source: Extract<TokenSource, { kind: "broker" }>,
  repo: string,
  options: { fetch?: typeof globalThis.fetch } = {},
): Promise<BrokerRegistryAnswer> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const oidc = await requestOidcToken(fetchImpl, source.oidc);
  const response = await send(fetchImpl, `${source.url}${BROKER_REGISTRY_PATH}`, {
    method: "POST",
    headers: { authorization: `Bearer ${oidc}`, "content-type": "application/json" },
    body: JSON.stringify({ repository: repo }),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<BrokerRegistryAnswer> & {
    message?: string;
  };
  if (!response.ok || typeof body.outcome !== "string" || typeof body.registry_sha !== "string") {
    throw new ExternalError(
      `the token broker gave no registry answer for ${repo} (HTTP ${response.status})${body.message ? `: ${body.message}` : ""}`,
      { status: response.status },
    );
  }
  return body as BrokerRegistryAnswer;
}

/** The job's OIDC token for the broker's audience (GitHub Actions' `ACTIONS_ID_TOKEN_REQUEST_*`). */
async function requestOidcToken(
  fetchImpl: typeof globalThis.fetch,
  oidc: { requestUrl: string; requestToken: string },
): Promise<string> {
  const url = new URL(oidc.requestUrl);
  url.searchParams.set("audience", BROKER_AUDIENCE);
  const response = await send(fetchImpl, url.toString(), {
    headers: { authorization: `Bearer ${oidc.requestToken}`, accept: "application/json" },
  });
  const body = (await response.json().catch(() => ({}))) as { value?: unknown };
  if (!response.ok || typeof body.value !== "string")
    throw new ExternalError(`GitHub Actions did not issue an OIDC token (HTTP ${response.status})`, {
      status: response.status,
      hint: "the job needs `permissions: id-token: write`",
    });
  return body.value;
}

async function send(fetchImpl: typeof globalThis.fetch, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (error) {
    throw new ExternalError(`cannot reach ${new URL(url).origin}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
