import { createPrivateKey, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, type JWK, type JWTPayload } from "jose";
import type { Clock } from "../../util/clock.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { OidcSigningKey } from "../state/types.js";
import { generateOidcKey, PUBLISHED_KEYS, renderDiscovery, renderJwks } from "./oidc-keys.js";

/** Where the issuer lives, relative to the local GitHub's base URL. */
export const OIDC_ISSUER_PATH = "/_emulator/oidc";

/** The `ACTIONS_ID_TOKEN_REQUEST_URL` endpoint, relative to the base URL. */
export const OIDC_TOKEN_REQUEST_PATH = "/_emulator/actions/oidc-token";

/** Lifetime of a minted ID token unless the caller says otherwise (GitHub's are minutes long). */
export const DEFAULT_ID_TOKEN_TTL_SECONDS = 300;

export interface MintRequest {
  claims: Record<string, unknown>;
  audience?: string;
  ttlSeconds?: number;
}

/**
 * The local GitHub as a GitHub Actions OIDC issuer: discovery, JWKS, ID tokens for simulated jobs
 * (RS256, signed with a key kept in the emulator state so a restart keeps it), the
 * `ACTIONS_ID_TOKEN_REQUEST_*` exchange, and key rotation that keeps the previous key published.
 */
export class OidcIssuer {
  private readonly privateKeys = new Map<string, KeyObject>();
  /** Request tokens handed out for `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, with the claims they stand for. */
  private readonly requests = new Map<string, Record<string, unknown>>();
  private generating: Promise<OidcSigningKey> | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  issuer(): string {
    return `${this.baseUrl()}${OIDC_ISSUER_PATH}`;
  }

  discovery(): Record<string, unknown> {
    return renderDiscovery(this.issuer());
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    await this.signingKey();
    return renderJwks(this.state.oidcKeys);
  }

  /**
   * Signs an ID token with `claims`; `iss`, `iat` (now), `nbf` (`iat`), `exp` (`iat` + TTL) and `jti`
   * are filled unless given.
   */
  async mint(request: MintRequest): Promise<string> {
    const key = await this.signingKey();
    const given = request.claims.iat;
    const issuedAt = typeof given === "number" ? given : Math.floor(this.clock.now().getTime() / 1000);
    const owner = request.claims.repository_owner;
    const audience =
      request.audience ??
      request.claims.aud ??
      (typeof owner === "string" ? `https://github.com/${owner}` : undefined);
    const payload: JWTPayload = {
      jti: randomUUID(),
      iss: this.issuer(),
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + (request.ttlSeconds ?? DEFAULT_ID_TOKEN_TTL_SECONDS),
      ...request.claims,
      ...(audience === undefined ? {} : { aud: audience as string | string[] }),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
      .sign(this.privateKeyOf(key));
  }

  /** Makes a new signing key; the JWKS keeps publishing the one it replaces. */
  async rotate(): Promise<{ kid: string; published: string[] }> {
    await this.signingKey();
    const key = await generateOidcKey(this.clock.now().getTime());
    this.state.oidcKeys = [...this.state.oidcKeys, key].slice(-PUBLISHED_KEYS);
    this.state.changed();
    return { kid: key.kid, published: this.state.oidcKeys.map((entry) => entry.kid).reverse() };
  }

  /** Values for `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN` that yield ID tokens with `claims`. */
  createRequest(claims: Record<string, unknown>): { url: string; token: string } {
    const token = `ghr_${randomBytes(20).toString("hex")}`;
    this.requests.set(token, { ...claims });
    return { url: `${this.baseUrl()}${OIDC_TOKEN_REQUEST_PATH}?api-version=2.0`, token };
  }

  /** The ID token a job holding `requestToken` gets for `audience`; undefined for an unknown token. */
  async redeem(requestToken: string, audience: string | undefined): Promise<string | undefined> {
    const claims = this.requests.get(requestToken);
    if (claims === undefined) return undefined;
    return this.mint({ claims, ...(audience === undefined ? {} : { audience }) });
  }

  private async signingKey(): Promise<OidcSigningKey> {
    const current = this.state.oidcKeys.at(-1);
    if (current !== undefined) return current;
    this.generating ??= generateOidcKey(this.clock.now().getTime()).then((key) => {
      this.state.oidcKeys = [key];
      this.state.changed();
      return key;
    });
    return this.generating;
  }

  private privateKeyOf(key: OidcSigningKey): KeyObject {
    let object = this.privateKeys.get(key.kid);
    if (object === undefined) {
      object = createPrivateKey(key.privateKeyPem);
      this.privateKeys.set(key.kid, object);
    }
    return object;
  }
}
