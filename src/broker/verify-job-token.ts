import { errors, jwtVerify, type JWTPayload } from "jose";
import type { IssuerKeys } from "./issuer-keys.js";
import { refuse, RefusalError, type Refusal } from "./refusal.js";

export interface VerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly now: Date;
  /** Tolerance for `exp`, `nbf` and `iat` (at most 60 s). */
  readonly skewSeconds: number;
  readonly maxTokenBytes: number;
}

/**
 * Verifies a job's OIDC token: RS256 only, signed by a key in the issuer's JWKS, `iss` and `aud`
 * exactly the configured ones, `exp`, `nbf` and `iat` within the skew. Every failure is a refusal
 * whose code names the check; an unreachable issuer is `issuer_unavailable` (503), not the job's fault.
 */
export async function verifyJobToken(
  token: string,
  keys: Pick<IssuerKeys, "keyFor">,
  options: VerifyOptions,
): Promise<JWTPayload | Refusal> {
  if (token.length > options.maxTokenBytes)
    return refuse("token_too_large", `the OIDC token is over ${options.maxTokenBytes} bytes`);
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part)))
    return refuse("token_malformed", "the bearer credential is not a compact JWT");
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8")) as typeof header;
  } catch {
    return refuse("token_malformed", "the JWT header is not JSON");
  }
  if (header === null || typeof header !== "object" || header.alg !== "RS256")
    return refuse(
      "token_algorithm",
      `only RS256 tokens are accepted, not ${JSON.stringify(header?.alg ?? null)}`,
    );
  const now = Math.floor(options.now.getTime() / 1000);
  let payload: JWTPayload;
  try {
    const found = keys.keyFor(header);
    const key = found instanceof Promise ? await found : found;
    ({ payload } = await jwtVerify(token, key, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ["RS256"],
      clockTolerance: options.skewSeconds,
      currentDate: options.now,
      requiredClaims: ["exp", "iat", "jti"],
    }));
  } catch (error) {
    return refusalOf(error);
  }
  if (typeof payload.iat !== "number" || payload.iat > now + options.skewSeconds)
    return refuse("token_issued_in_future", `the token's "iat" ${String(payload.iat)} is in the future`);
  return payload;
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof RefusalError) return error.refusal;
  if (error instanceof errors.JWTExpired) return refuse("token_expired", "the OIDC token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "iss":
        return refuse("token_issuer", "the OIDC token was not issued by the configured issuer");
      case "aud":
        return refuse("token_audience", "the OIDC token is not for this broker's audience");
      case "nbf":
        return refuse("token_not_yet_valid", 'the OIDC token is not valid yet ("nbf")');
      default:
        return refuse("token_claims", `the OIDC token's "${error.claim}" claim is invalid: ${error.message}`);
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return refuse("token_unknown_key", "no key of the issuer's JWKS matches the token's kid");
  if (
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JWSSignatureVerificationFailed
  )
    return refuse("token_signature", "the OIDC token's signature does not verify against the issuer's keys");
  if (error instanceof errors.JOSEAlgNotAllowed)
    return refuse("token_algorithm", "only RS256 tokens are accepted");
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return refuse("issuer_unavailable", `the issuer's JWKS could not be read: ${error.message}`);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return refuse("token_malformed", `the OIDC token is malformed: ${error.message}`);
  if (error instanceof errors.JOSEError || error instanceof TypeError || error instanceof SyntaxError)
    return refuse("issuer_unavailable", `the issuer's JWKS could not be read: ${error.message}`);
  throw error;
}
