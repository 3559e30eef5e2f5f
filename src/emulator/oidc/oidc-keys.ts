import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { calculateJwkThumbprint, type JWK } from "jose";
import type { OidcSigningKey } from "../state/types.js";

/** How many signing keys the JWKS publishes: the current one and the one it replaced. */
export const PUBLISHED_KEYS = 2;

/**
 * A new RS256 signing key (2048-bit RSA from node:crypto), named by its RFC 7638 thumbprint as
 * GitHub's issuer names its keys by a stable id.
 */
export async function generateOidcKey(createdAt: number): Promise<OidcSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as JWK;
  return {
    kid: await calculateJwkThumbprint(jwk, "sha256"),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    createdAt,
  };
}

/** The JWKS document for `keys` (newest last): public halves only, newest first. */
export function renderJwks(keys: readonly OidcSigningKey[]): { keys: JWK[] } {
  return {
    keys: keys
      .slice(-PUBLISHED_KEYS)
      .reverse()
      .map((key) => {
        const { kty, n, e } = createPublicKey(key.privateKeyPem).export({ format: "jwk" }) as JWK;
        return { kty, n, e, kid: key.kid, alg: "RS256", use: "sig" };
      }),
  };
}

/** GitHub Actions' discovery document, for an issuer of our own. */
export function renderDiscovery(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ["public", "pairwise"],
    response_types_supported: ["id_token"],
    claims_supported: [
      "sub",
      "aud",
      "exp",
      "iat",
      "iss",
      "jti",
      "nbf",
      "ref",
      "sha",
      "repository",
      "repository_id",
      "repository_owner",
      "repository_owner_id",
      "run_id",
      "run_number",
      "run_attempt",
      "actor",
      "actor_id",
      "workflow",
      "workflow_ref",
      "workflow_sha",
      "head_ref",
      "base_ref",
      "event_name",
      "ref_type",
      "ref_protected",
      "environment",
      "job_workflow_ref",
      "job_workflow_sha",
      "repository_visibility",
      "runner_environment",
    ],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid"],
  };
}
