import { createVerify } from "node:crypto";
import { HttpError } from "../http/http-error.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { App } from "../state/types.js";

/** Whether a bearer credential has the shape of a JWT (three base64url parts, a JSON header). */
export function looksLikeJwt(token: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * Verifies a GitHub App JWT the way GitHub does: RS256 signature against the app's public key,
 * `iss` naming the app (id or client id), `exp` in the future and at most ten minutes after `iat`,
 * `iat` not in the future (60 s of leeway for clock drift). Answers 401 like GitHub otherwise.
 */
export function verifyAppJwt(state: EmulatorState, token: string, nowMs: number): App {
  const [headerPart, payloadPart, signaturePart] = token.split(".");
  let header: { alg?: unknown };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8")) as typeof header;
    payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8")) as typeof payload;
  } catch {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  if (header.alg !== "RS256") throw new HttpError(401, "A JSON web token could not be decoded");
  const issuer =
    typeof payload.iss === "number" || typeof payload.iss === "string" ? String(payload.iss) : "";
  const app = state
    .apps()
    .find((candidate) => String(candidate.id) === issuer || candidate.clientId === issuer);
  if (!app) throw new HttpError(401, "'Issuer' claim ('iss') must be an Integer");
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${headerPart}.${payloadPart}`);
  if (!verifier.verify(app.publicKeyPem, Buffer.from(signaturePart, "base64url"))) {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  const now = Math.floor(nowMs / 1000);
  if (typeof payload.exp !== "number" || payload.exp <= now) {
    throw new HttpError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  if (typeof payload.iat !== "number" || payload.iat > now + 60) {
    throw new HttpError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (payload.exp - payload.iat > 600) {
    throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
  return app;
}
