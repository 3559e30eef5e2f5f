import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from "jose";
import { refuse, RefusalError } from "./refusal.js";

export interface IssuerKeysOptions {
  readonly issuer: string;
  readonly fetch?: typeof globalThis.fetch;
  /** After a key is not found, no refetch for this long (a forged `kid` cannot make the broker hammer the issuer). */
  readonly cooldownMs?: number;
  /** Keys are refetched after this long even when every `kid` is known. */
  readonly cacheMaxAgeMs?: number;
  readonly timeoutMs?: number;
}

export interface IssuerKeys {
  readonly getKey: JWTVerifyGetKey;
  /** Requests made to the issuer so far (discovery and JWKS). */
  fetches(): number;
}

/**
 * The issuer's signing keys, found through `/.well-known/openid-configuration` and cached by `jose`:
 * an unknown `kid` triggers at most one JWKS refetch per cool-down. Discovery is fetched once (and
 * again only after it failed); its `issuer` must be the configured one.
 */
export function createIssuerKeys(options: IssuerKeysOptions): IssuerKeys {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let count = 0;
  const counted: typeof globalThis.fetch = (input, init) => {
    count += 1;
    return fetchImpl(input, init);
  };
  let remote: Promise<JWTVerifyGetKey> | undefined;

  async function discover(): Promise<JWTVerifyGetKey> {
    const url = `${options.issuer}/.well-known/openid-configuration`;
    const unavailable = (why: string) =>
      new RefusalError(
        refuse("issuer_unavailable", `cannot read the OIDC issuer's discovery at ${url}: ${why}`),
      );
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await counted(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw unavailable(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      if (error instanceof RefusalError) throw error;
      throw unavailable((error as Error).message);
    }
    if (document.issuer !== options.issuer || typeof document.jwks_uri !== "string")
      throw unavailable(
        `it names issuer ${String(document.issuer)}; expected ${options.issuer} with a jwks_uri`,
      );
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: options.cooldownMs ?? 30_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      timeoutDuration: timeoutMs,
      [customFetch]: counted,
    });
  }

  return {
    async getKey(header, token) {
      remote ??= discover();
      let getKey: JWTVerifyGetKey;
      try {
        getKey = await remote;
      } catch (error) {
        remote = undefined;
        throw error;
      }
      return getKey(header, token);
    },
    fetches: () => count,
  };
}
