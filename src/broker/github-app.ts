import { createPrivateKey, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import type { Clock } from "../util/clock.js";
import { checkRepositoryIdentity } from "./check-job.js";
import type { Grant } from "./decide-grant.js";
import type { JobClaims } from "./read-job-claims.js";
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
/** How long a repository's id, as GitHub last named it in a token, counts as its current id. */
export const IDENTITY_TTL_MS = 5 * 60_000;
const LEVEL: Readonly<Record<string, number>> = { read: 1, write: 2, admin: 3 };

/** The calling job's repository as its verified token names it. */
export type Caller = Pick<JobClaims, "repository" | "repository_id" | "repository_owner_id">;

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
 * The App's side of the broker: App JWTs, installation lookups (cached per owner) and installation
 * tokens cached per (installation, repositories, permissions) until 10 minutes before they expire.
 * The calling job's own repository is asked for by the id in its token (`repository_ids`), never by
 * name: GitHub refuses (422) an id its installation cannot reach, so a deleted or recreated
 * repository gets nothing, and the token GitHub mints is bound to that id. The name GitHub answers
 * for the id must be the token's name, and counts as current for `IDENTITY_TTL_MS`; after that the
 * next exchange mints afresh. Concurrent asks for the same thing share one request; cached answers
 * come back without an await.
 */
export class GitHubApp {
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly key: KeyObject;
  private jwt: { value: string; until: number } | undefined;
  private readonly installations = new Map<string, Entry<Installation>>();
  /** `owner/name` → the id GitHub last answered for it, and until when that counts as current. */
  private readonly identities = new Map<string, { id: number; until: number }>();
  private readonly probes = new Map<string, Promise<undefined>>();
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
   * An installation token for exactly `grant` (cached; see the class comment). With a `caller` (the
   * job's verified claims), its owner id must be the installation's account and its repository id
   * the current id of its name (`repository_identity`); the caller's repository, when the grant
   * names it, is minted by that id. Refuses (`app_lacks_permission`) before any request for the
   * token when the installation lacks a permission. A refused exchange leaves no usable token.
   */
  token(grant: Grant, repoForLookup: string, caller?: Caller): MintedToken | Promise<MintedToken> {
    const installation = this.installation(grant.owner, repoForLookup);
    if (installation instanceof Promise)
      return installation.then((found) => this.tokenFor(found, grant, caller));
    return this.tokenFor(installation, grant, caller);
  }

  private tokenFor(
    installation: Installation,
    grant: Grant,
    caller: Caller | undefined,
  ): MintedToken | Promise<MintedToken> {
    let bound: { name: string; id: number } | undefined;
    let fresh = true;
    if (caller !== undefined) {
      const name = caller.repository.toLowerCase();
      const known = this.identities.get(name);
      fresh = known !== undefined && known.until > this.now();
      // Without a fresh answer from GitHub the id is checked by GitHub itself, at the mint.
      const refusal = checkRepositoryIdentity(caller, {
        ownerId: installation.accountId,
        repositoryId: fresh ? known!.id : Number(caller.repository_id),
      });
      if (refusal !== undefined) throw new RefusalError(refusal);
      const repo = name.slice(name.indexOf("/") + 1);
      if (grant.repositories.includes(repo)) bound = { name: repo, id: Number(caller.repository_id) };
      else if (!fresh)
        // The grant is for other repositories (the org's telemetry): the caller's id is still checked.
        return this.probe(installation, grant.owner, caller).then(() =>
          this.tokenFor(installation, grant, caller),
        );
    }
    lacking(installation, grant);
    let key = `${installation.id}|`;
    for (const name of grant.repositories) key += name === bound?.name ? `#${bound.id},` : `${name},`;
    key += "|";
    for (const name of Object.keys(grant.permissions).sort()) key += `${name}:${grant.permissions[name]},`;
    const now = this.now();
    const cached = this.tokens.get(key);
    // A token minted by id is reused while GitHub's name for the id is fresh (or being minted).
    if (cached !== undefined && cached.until > now && (fresh || cached.settled === undefined))
      return valueOf(cached);
    const value = this.remember(
      this.tokens,
      key,
      this.mint(installation, grant, bound),
      Number.POSITIVE_INFINITY,
    );
    const entry = this.tokens.get(key)!;
    value.then(
      (minted) => (entry.until = minted.expiresAt - TOKEN_REUSE_MARGIN_MS),
      () => undefined,
    );
    return value;
  }

  /**
   * Checks the caller's id against its name with a metadata-only token for that id alone (never
   * handed out), for a grant that does not include the caller's repository. Concurrent checks of one
   * id share one request.
   */
  private probe(installation: Installation, owner: string, caller: Caller): Promise<undefined> {
    const key = `${installation.id}|${caller.repository_id}|${caller.repository.toLowerCase()}`;
    let pending = this.probes.get(key);
    if (pending === undefined) {
      const name = caller.repository.slice(caller.repository.indexOf("/") + 1).toLowerCase();
      pending = this.mint(
        installation,
        { owner, repositories: [name], permissions: { metadata: "read" } },
        { name, id: Number(caller.repository_id) },
      ).then(() => undefined);
      const settled = pending.finally(() => this.probes.delete(key));
      settled.catch(() => undefined);
      this.probes.set(key, pending);
    }
    return pending;
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

  /**
   * Mints a token for `grant`; `bound`, one of its repositories, by id. GitHub answers which
   * repositories the token reaches: the bound one must still bear its name (a renamed repository's id
   * now names another), or the token is revoked at once and the exchange refused. Every repository
   * GitHub names is remembered with its id as current for `IDENTITY_TTL_MS`.
   */
  private async mint(
    installation: Installation,
    grant: Grant,
    bound?: { readonly name: string; readonly id: number },
  ): Promise<MintedToken> {
    const names = grant.repositories.filter((name) => name !== bound?.name);
    const response = await this.send(`/app/installations/${installation.id}/access_tokens`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${await this.appJwt()}`,
        accept: "application/vnd.github+json",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        ...(names.length > 0 ? { repositories: names } : {}),
        ...(bound === undefined ? {} : { repository_ids: [bound.id] }),
        permissions: grant.permissions,
      }),
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
    if (response.status === 422) throw this.unprocessable(grant, bound, await response.text());
    if (!response.ok) throw unavailable(`an installation token for ${grant.owner}`, response.status);
    const body = (await response.json()) as {
      token: string;
      expires_at: string;
      permissions: Record<string, string>;
      repositories?: Array<{ name: string; id: number }>;
    };
    const repositories = (body.repositories ?? []).map(({ name, id }) => ({ name, id }));
    if (bound !== undefined) {
      const named = repositories.find(({ id }) => id === bound.id)?.name;
      if (named?.toLowerCase() !== bound.name) {
        await this.revoke(body.token);
        throw new RefusalError(
          refuse(
            "repository_identity",
            `repository id ${bound.id} is now ${grant.owner}/${named ?? "(none)"}, not ${grant.owner}/${bound.name}`,
          ),
        );
      }
    }
    const until = this.now() + IDENTITY_TTL_MS;
    for (const { name, id } of repositories)
      this.identities.set(`${grant.owner}/${name}`.toLowerCase(), { id, until });
    return {
      token: body.token,
      expiresAt: Date.parse(body.expires_at),
      permissions: body.permissions,
      repositories,
    };
  }

  /**
   * GitHub's 422: a repository (or the bound id) the installation cannot reach, or a permission it
   * lacks. An id GitHub does not know in the installation is not the caller's current id.
   */
  private unprocessable(
    grant: Grant,
    bound: { readonly name: string; readonly id: number } | undefined,
    text: string,
  ): RefusalError {
    const others = grant.repositories.filter((name) => name !== bound?.name);
    if (bound !== undefined && /repositor/i.test(text)) {
      const known = this.identities.get(`${grant.owner}/${bound.name}`.toLowerCase());
      if (others.length === 0 || known === undefined || known.id !== bound.id)
        return new RefusalError(
          refuse(
            "repository_identity",
            `GitHub's installation on ${grant.owner} reaches no repository with id ${bound.id} (${grant.owner}/${bound.name} deleted or recreated?)${others.length > 0 ? `, or not ${others.map((name) => `${grant.owner}/${name}`).join(", ")}` : ""}`,
          ),
        );
    }
    this.installations.delete(grant.owner.toLowerCase());
    const wanted = Object.entries(grant.permissions).map(([name, level]) => `${name}: ${level}`);
    return new RefusalError(
      refuse(
        "app_lacks_permission",
        `GitHub will not grant ${wanted.join(", ")} on ${grant.owner}/{${grant.repositories.join(",")}}: the App lacks a permission or a repository`,
      ),
    );
  }

  /** Revokes an installation token this broker will not hand out (best effort: it is never logged). */
  private async revoke(token: string): Promise<void> {
    try {
      await this.send("/installation/token", {
        method: "DELETE",
        headers: { authorization: `token ${token}`, accept: "application/vnd.github+json" },
      });
    } catch {
      // Unreachable GitHub: the token was never handed out and expires within the hour.
    }
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
