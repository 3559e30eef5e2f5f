import type { IncomingMessage, ServerResponse } from "node:http";
import { credentialOf } from "../auth/principal.js";
import {
  OIDC_ISSUER_PATH,
  OIDC_TOKEN_REQUEST_PATH,
  type MintRequest,
  type OidcIssuer,
} from "../oidc/oidc-issuer.js";

/** Longest lifetime an admin may ask for (a day); GitHub's own tokens live minutes. */
const MAX_TTL_SECONDS = 86_400;

const DISCOVERY_PATH = `${OIDC_ISSUER_PATH}/.well-known/openid-configuration`;
const JWKS_PATH = `${OIDC_ISSUER_PATH}/.well-known/jwks`;

/** The issuer's endpoints anyone may call (no admin token): discovery, JWKS, the job's token request. */
export function isPublicOidcPath(pathname: string): boolean {
  return pathname === DISCOVERY_PATH || pathname === JWKS_PATH || pathname === OIDC_TOKEN_REQUEST_PATH;
}

/**
 * Serves discovery and the JWKS, and answers `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>` with
 * `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` as GitHub Actions does: `{ value: <jwt> }`.
 */
export async function handleOidcPublic(
  issuer: OidcIssuer,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  req.resume();
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (req.method !== "GET" && req.method !== "HEAD") {
    send(405, { message: `${req.method ?? ""} is not allowed here; use GET` }, { allow: "GET" });
    return;
  }
  if (url.pathname === DISCOVERY_PATH) return send(200, issuer.discovery());
  if (url.pathname === JWKS_PATH) return send(200, await issuer.jwks());
  const token = credentialOf(req.headers.authorization);
  const audience = url.searchParams.get("audience") ?? undefined;
  const value = token === undefined ? undefined : await issuer.redeem(token, audience);
  if (value === undefined) {
    send(401, {
      message: "Bad credentials: send Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>",
    });
    return;
  }
  send(200, { value });
}

/** Reads `{ claims, audience?, ttl_seconds? }` (the admin mint request), or says what is wrong. */
export function parseMintBody(body: unknown): MintRequest | string {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return 'the body must be a JSON object: { "claims": {...}, "audience"?: string, "ttl_seconds"?: number }';
  const { claims, audience, ttl_seconds: ttl } = body as Record<string, unknown>;
  if (typeof claims !== "object" || claims === null || Array.isArray(claims))
    return '"claims" must be an object of the ID token\'s claims';
  if (audience !== undefined && (typeof audience !== "string" || audience === ""))
    return '"audience" must be a non-empty string';
  if (
    ttl !== undefined &&
    (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS)
  )
    return `"ttl_seconds" must be an integer from 1 to ${MAX_TTL_SECONDS}`;
  return {
    claims: claims as Record<string, unknown>,
    ...(audience === undefined ? {} : { audience }),
    ...(ttl === undefined ? {} : { ttlSeconds: ttl }),
  };
}
