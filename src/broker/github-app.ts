import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import type { Clock } from "../util/clock.js";
import type { Grant } from "./decide-grant.js";
import { refuse, RefusalError } from "./refusal.js";

export interface GitHubAppOptions {
  readonly apiUrl: string;
  readonly appId: string;
  readonly privateKey: string;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

export interface Installation {
  readonly id: number;
  readonly accountId: number;
  readonly permissions: Readonly<Record<string, string>>;
}

export interface MintedToken {
  readonly token: string;
  readonly expiresAt: number;
  readonly permissions: Readonly<Record<string, string>>;
  /** The repositories GitHub narrowed the token to, with their current ids. */
  readonly repositories: ReadonlyArray<{ readonly name: string; readonly id: number }>;
}

/** Installation tokens are reused until this long before they expire. */
export const TOKEN_REUSE_MARGIN_MS = 10 * 60_000;
const INSTALLATION_TTL_MS = 10 * 60_000;
/** How long a repository's ids, as read from GitHub, count as its current ids. */
export const IDENTITY_TTL_MS = 5 * 60_000;
const LEVEL: Readonly<Record<string, number>> = { read: 1, write: 2, admin: 3 };

/** A repository's ids on GitHub now; `repositoryId` is undefined when the installation cannot reach it. */
export interface RepositoryIdentity {
  readonly ownerId: number;
  readonly repositoryId: number | undefined;
}

/** A cached answer: the promise for whoever asks while it is pending, the value once it is settled. */
interface Entry<T> {
  readonly value: Promise<T>;
  settled?: T;
  until: number;
}

/** The entry's value without an await when it has settled (the hot path), its promise otherwise. */
function valueOf<T>(entry: Entry<T>): T | Promise<T> {
  return entry.settled !== undefined ? entry.settled : entry.value;
}

/**
 * The App's side of the broker: App JWTs, installation lookups (cached per owner), repository
 * identities (cached per repository) and installation tokens cached per (installation,
 * repositories, permissions) until 10 minutes before they expire. Concurrent asks for the same thing
 * share one request; cached answers come back without an await.
 */
export class GitHubApp {
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly key: KeyObject;
  private jwt: { value: string; until: number } | undefined;
  private readonly installations = new Map<string, Entry<Installation>>();
  private readonly identities = new Map<string, Entry<RepositoryIdentity>>();
  private readonly tokens = new Map<string, Entry<MintedToken>>();
  private count = 0;

  constructor(private readonly options: GitHubAppOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.key = createPrivateKey(options.privateKey);
  }

  /** Requests made to GitHub so far. */
  requests(): number {
    return this.count;
  }

  /** The installation of the App on `owner` (found through `owner/repo`). */
  installation(owner: string, repo: string): Installation | Promise<Installation> {
    const key = owner.toLowerCase();
    const now = this.now();
    const cached = this.installations.get(key);
    if (cached !== undefined && cached.until > now) return valueOf(cached);
    return this.remember(
      this.installations,
      key,
      this.lookUpInstallation(owner, repo),
      now + INSTALLATION_TTL_MS,
    );
  }

  /**
   * The current ids of `owner/repo`: the owner's from the installation, the repository's from a
   * metadata-only token for it alone (never handed out). No token a job asked for is involved, so the
   * ids are checked before any such token exists.
   */
  identity(owner: string, repo: string): RepositoryIdentity | Promise<RepositoryIdentity> {
    const key = `${owner}/${repo}`.toLowerCase();
    const now = this.now();
    const cached = this.identities.get(key);
    if (cached !== undefined && cached.until > now) return valueOf(cached);
    return this.remember(this.identities, key, this.readIdentity(owner, repo), now + IDENTITY_TTL_MS);
  }

  /**
   * An installation token for exactly `grant` (cached; see the class comment). Refuses
   * (`app_lacks_permission`) before any request for it when the installation lacks a permission.
   */
  token(grant: Grant, repoForLookup: string): MintedToken | Promise<MintedToken> {
    const installation = this.installation(grant.owner, repoForLookup);
    if (installation instanceof Promise) return installation.then((found) => this.tokenFor(found, grant));
    return this.tokenFor(installation, grant);
  }

  private tokenFor(installation: Installation, grant: Grant): MintedToken | Promise<MintedToken> {
    lacking(installation, grant);
    let key = `${installation.id}|${grant.repositories.join(",")}|`;
    for (const name of Object.keys(grant.permissions).sort()) key += `${name}:${grant.permissions[name]},`;
    const now = this.now();
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.until > now) return valueOf(cached);
    const value = this.remember(this.tokens, key, this.mint(installation, grant), Number.POSITIVE_INFINITY);
    const entry = this.tokens.get(key)!;
    value.then(
      (minted) => (entry.until = minted.expiresAt - TOKEN_REUSE_MARGIN_MS),
      () => undefined,
    );
    return value;
  }

  /** Stores a pending answer; it is forgotten if it fails, kept with its value once it settles. */
  private remember<T>(
    cache: Map<string, Entry<T>>,
    key: string,
    value: Promise<T>,
    until: number,
  ): Promise<T> {
    const entry: Entry<T> = { value, until };
    cache.set(key, entry);
    value.then(
      (settled) => {
        entry.settled = settled;
      },
      () => {
        if (cache.get(key) === entry) cache.delete(key);
      },
    );
    return value;
  }

  private async readIdentity(owner: string, repo: string): Promise<RepositoryIdentity> {
    const installation = await this.installation(owner, repo);
    const name = repo.toLowerCase();
    try {
      const probe = await this.mint(installation, {
        owner,
        repositories: [name],
        permissions: { metadata: "read" },
      });
      const found = probe.repositories.find((repository) => repository.name.toLowerCase() === name);
      return { ownerId: installation.accountId, repositoryId: found?.id };
    } catch (error) {
      // 422: GitHub will not give even metadata on it: the installation cannot reach it.
      if (error instanceof RefusalError && error.refusal.code === "app_lacks_permission")
        return { ownerId: installation.accountId, repositoryId: undefined };
      throw error;
    }
  }

  /** A GET with an installation token (the broker's own reads: registry, releases). */
  async get(path: string, token: string, accept = "application/vnd.github+json"): Promise<Response> {
    return this.send(path, { headers: { authorization: `token ${token}`, accept } });
  }

  private async lookUpInstallation(owner: string, repo: string): Promise<Installation> {
    const response = await this.send(
      `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/installation`,
      {
        headers: { authorization: `Bearer ${await this.appJwt()}`, accept: "application/vnd.github+json" },
      },
    );
    if (response.status === 404)
      throw new RefusalError(refuse("installation_missing", `the App is not installed on ${owner}/${repo}`));
    if (!response.ok) throw unavailable(`installation lookup for ${owner}/${repo}`, response.status);
    const body = (await response.json()) as {
      id: number;
      account: { id: number };
      permissions: Record<string, string>;
      suspended_at?: string | null;
    };
    if (body.suspended_at)
      throw new RefusalError(
        refuse("installation_suspended", `the App's installation on ${owner} is suspended`),
      );
    return { id: body.id, accountId: body.account.id, permissions: body.permissions };
  }

  private async mint(installation: Installation, grant: Grant): Promise<MintedToken> {
    const response = await this.send(`/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await this.appJwt()}`,
        accept: "application/vnd.github+json",
        "content-type": "application/json",
      },
      body: JSON.stringify({ repositories: grant.repositories, permissions: grant.permissions }),
    });
    if (response.status === 404 || response.status === 401) {
      this.installations.delete(grant.owner.toLowerCase());
      throw new RefusalError(
        refuse("installation_missing", `the App's installation on ${grant.owner} is gone (revoked?)`),
      );
    }
    if (response.status === 403)
      throw new RefusalError(
        refuse(
          "installation_suspended",
          `GitHub refused the App's installation on ${grant.owner} (suspended?)`,
        ),
      );
    if (response.status === 422) {
      this.installations.delete(grant.owner.toLowerCase());
      const wanted = Object.entries(grant.permissions).map(([name, level]) => `${name}: ${level}`);
      throw new RefusalError(
        refuse(
          "app_lacks_permission",
          `GitHub will not grant ${wanted.join(", ")} on ${grant.owner}/{${grant.repositories.join(",")}}: the App lacks a permission or a repository`,
        ),
      );
    }
    if (!response.ok) throw unavailable(`an installation token for ${grant.owner}`, response.status);
    const body = (await response.json()) as {
      token: string;
      expires_at: string;
      permissions: Record<string, string>;
      repositories?: Array<{ name: string; id: number }>;
    };
    return {
      token: body.token,
      expiresAt: Date.parse(body.expires_at),
      permissions: body.permissions,
      repositories: (body.repositories ?? []).map(({ name, id }) => ({ name, id })),
    };
  }

  private async appJwt(): Promise<string> {
    const now = this.now();
    if (this.jwt !== undefined && this.jwt.until > now) return this.jwt.value;
    const seconds = Math.floor(now / 1000);
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer(this.options.appId)
      .setIssuedAt(seconds - 60)
      .setExpirationTime(seconds + 540)
      .sign(this.key);
    this.jwt = { value, until: now + 300_000 };
    return value;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    this.count += 1;
    try {
      return await this.fetchImpl(`${this.options.apiUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new RefusalError(
        refuse("github_unavailable", `GitHub did not answer ${path}: ${(error as Error).message}`),
      );
    }
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }
}

/** Throws the refusal naming the first permission of `grant` the installation lacks. */
function lacking(installation: Installation, grant: Grant): undefined {
  for (const name in grant.permissions) {
    const level = grant.permissions[name];
    const has = installation.permissions[name];
    if (has === undefined || (LEVEL[has] ?? 0) < (LEVEL[level] ?? 9))
      throw new RefusalError(
        refuse(
          "app_lacks_permission",
          `the App's installation on ${grant.owner} lacks ${name}: ${level} (it has ${has ?? "none"}); grant the App that permission`,
        ),
      );
  }
  return undefined;
}

function unavailable(what: string, status: number): RefusalError {
  return new RefusalError(refuse("github_unavailable", `GitHub answered HTTP ${status} to ${what}`));
}
