import { importJWK, type CryptoKey, type JWK } from "jose";
import { refuse, RefusalError } from "./refusal.js";

export interface IssuerKeysOptions {
  readonly issuer: string;
  readonly fetch?: typeof globalThis.fetch;
  /**
   * At most one JWKS fetch per this long (default 1 s). A token whose `kid` is not known waits for
   * the next allowed fetch instead of being refused, so a key the issuer has just published is
   * trusted at once, and a stream of forged `kid`s costs the issuer one request per cool-down.
   */
  readonly cooldownMs?: number;
  /** A `kid` that a fetch begun after it was first seen did not contain is refused without a fetch for this long (default 30 s). */
  readonly unknownKidTtlMs?: number;
  /** Keys are refetched after this long even when every `kid` is known (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  readonly timeoutMs?: number;
  /** Milliseconds on a monotonic clock (injected in tests). */
  readonly now?: () => number;
}

/** The parts of a token's protected header that choose its key. */
export interface KeyHeader {
  readonly kid?: unknown;
}

export interface IssuerKeys {
  /**
   * The issuer's key for a token's header: the key itself when it is cached (no await on the hot
   * path), a promise when the JWKS must be (re)fetched first. Rejects or throws a RefusalError:
   * `token_unknown_key` or `issuer_unavailable`.
   */
  keyFor(header: KeyHeader): CryptoKey | Promise<CryptoKey>;
  /** Requests made to the issuer so far (discovery and JWKS). */
  fetches(): number;
}

/** Bound on remembered unknown `kid`s: past it the memory is cleared (a flood costs memory, not fetches). */
const MAX_UNKNOWN_KIDS = 10_000;

interface KeySet {
  readonly byKid: ReadonlyMap<string, CryptoKey>;
  /** The only key, when the JWKS has exactly one (for a token without `kid`). */
  readonly sole: CryptoKey | undefined;
  /** When the fetch that produced it began. */
  readonly startedAt: number;
}

/**
 * The issuer's RS256 signing keys, found through `/.well-known/openid-configuration` (its `issuer`
 * must be the configured one) and imported once with `jose` into CryptoKeys that every verification
 * reuses. Discovery is fetched once (and again only after it failed).
 */
export function createIssuerKeys(options: IssuerKeysOptions): IssuerKeys {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cooldownMs = options.cooldownMs ?? 1_000;
  const unknownKidTtlMs = options.unknownKidTtlMs ?? 30_000;
  const maxAgeMs = options.cacheMaxAgeMs ?? 600_000;
  const now = options.now ?? (() => performance.now());
  let count = 0;
  let jwksUri: Promise<string> | undefined;
  let current: KeySet | undefined;
  let lastStart = -Infinity;
  let inflight: Promise<KeySet> | undefined;
  /** kid → when it was first looked for; kept once a fetch begun after that did not contain it. */
  const unknown = new Map<string, { seenAt: number; missingSince?: number }>();

  const unavailable = (what: string, why: string) =>
    new RefusalError(refuse("issuer_unavailable", `cannot read the OIDC issuer's ${what}: ${why}`));

  async function getJson(url: string, what: string): Promise<unknown> {
    count += 1;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unavailable(`${what} at ${url}`, (error as Error).message);
    }
    if (!response.ok) throw unavailable(`${what} at ${url}`, `HTTP ${response.status}`);
    try {
      return await response.json();
    } catch (error) {
      throw unavailable(`${what} at ${url}`, `not JSON (${(error as Error).message})`);
    }
  }

  async function discover(): Promise<string> {
    const url = `${options.issuer}/.well-known/openid-configuration`;
    const document = (await getJson(url, "discovery")) as { issuer?: unknown; jwks_uri?: unknown } | null;
    if (document?.issuer !== options.issuer || typeof document.jwks_uri !== "string")
      throw unavailable(
        `discovery at ${url}`,
        `it names issuer ${String(document?.issuer)}; expected ${options.issuer} with a jwks_uri`,
      );
    return document.jwks_uri;
  }

  async function load(startedAt: number): Promise<KeySet> {
    jwksUri ??= discover();
    let uri: string;
    try {
      uri = await jwksUri;
    } catch (error) {
      jwksUri = undefined;
      throw error;
    }
    const document = (await getJson(uri, "JWKS")) as { keys?: unknown } | null;
    if (!Array.isArray(document?.keys)) throw unavailable(`JWKS at ${uri}`, 'it has no "keys" array');
    const byKid = new Map<string, CryptoKey>();
    const all: CryptoKey[] = [];
    for (const jwk of document.keys as JWK[]) {
      if (jwk === null || typeof jwk !== "object" || jwk.kty !== "RSA") continue;
      if ((jwk.alg !== undefined && jwk.alg !== "RS256") || (jwk.use !== undefined && jwk.use !== "sig"))
        continue;
      let key: CryptoKey;
      try {
        key = (await importJWK({ ...jwk, alg: "RS256" }, "RS256")) as CryptoKey;
      } catch {
        continue; // A malformed key signs nothing of ours; the others still count.
      }
      all.push(key);
      if (typeof jwk.kid === "string" && !byKid.has(jwk.kid)) byKid.set(jwk.kid, key);
    }
    return { byKid, sole: all.length === 1 ? all[0] : undefined, startedAt };
  }

  /** A fetch no sooner than the cool-down allows; concurrent callers share it. */
  function refetch(): Promise<KeySet> {
    if (inflight !== undefined) return inflight;
    const wait = Math.max(0, lastStart + cooldownMs - now());
    const run = async () => {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      lastStart = now();
      const set = await load(lastStart);
      current = set;
      return set;
    };
    const promise = run().finally(() => {
      if (inflight === promise) inflight = undefined;
    });
    inflight = promise;
    return promise;
  }

  function pick(set: KeySet, kid: string | undefined): CryptoKey | undefined {
    return kid === undefined ? set.sole : set.byKid.get(kid);
  }

  function unknownKey(kid: string | undefined): RefusalError {
    return new RefusalError(
      refuse(
        "token_unknown_key",
        kid === undefined
          ? "the OIDC token names no kid and the issuer's JWKS does not have exactly one key"
          : "no key of the issuer's JWKS matches the token's kid",
      ),
    );
  }

  async function slow(kid: string | undefined): Promise<CryptoKey> {
    const at = now();
    if (current === undefined || at - current.startedAt >= maxAgeMs) {
      const set = await refetch();
      const key = pick(set, kid);
      if (key !== undefined) return key;
    }
    if (kid === undefined) throw unknownKey(kid);
    const known = current === undefined ? undefined : pick(current, kid);
    if (known !== undefined) return known;
    const record = unknown.get(kid);
    if (record?.missingSince !== undefined && at - record.missingSince < unknownKidTtlMs)
      throw unknownKey(kid);
    if (record === undefined) {
      if (unknown.size >= MAX_UNKNOWN_KIDS) unknown.clear();
      unknown.set(kid, { seenAt: at });
    } else if (record.missingSince !== undefined) {
      unknown.set(kid, { seenAt: at });
    }
    const seenAt = unknown.get(kid)!.seenAt;
    // A fetch already under way may have begun before the kid was published: wait for the next.
    let set = await refetch();
    if (set.startedAt < seenAt && pick(set, kid) === undefined) set = await refetch();
    const key = pick(set, kid);
    if (key !== undefined) {
      unknown.delete(kid);
      return key;
    }
    unknown.set(kid, { seenAt, missingSince: set.startedAt });
    throw unknownKey(kid);
  }

  return {
    keyFor(header) {
      if (header.kid !== undefined && typeof header.kid !== "string") throw unknownKey("(not a string)");
      const kid = header.kid;
      if (current !== undefined && now() - current.startedAt < maxAgeMs) {
        const key = pick(current, kid);
        if (key !== undefined) return key;
      }
      return slow(kid);
    },
    fetches: () => count,
  };
}
