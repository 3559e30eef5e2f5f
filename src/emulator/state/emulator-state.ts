import { randomBytes } from "node:crypto";
import type {
  Account,
  App,
  Installation,
  Issue,
  Limits,
  OidcSigningKey,
  Repo,
  StateSnapshot,
  TokenRecord,
} from "./types.js";
import { DEFAULT_LIMITS } from "./types.js";

/** Render caches of one repository; dropped wholesale whenever anything in the repository changes. */
export interface RepoCache {
  /** Each rendered issue's JSON as UTF-8 bytes, so a page is a concatenation of buffers. */
  issueJson: Map<number, Buffer>;
  sorted: Map<string, Issue[]>;
  milestoneJson: Map<number, string>;
}

/**
 * All state of the local GitHub, with the indexes that make lookups O(1). Mutations happen through
 * the route handlers; the request pipeline calls `changed()` after every write so ETags, render
 * caches and the persisted snapshot follow without each handler having to remember.
 */
export class EmulatorState {
  adminToken: string;
  limits: Limits;
  /** Bumped on every change; part of every ETag. */
  revision = 0;
  /** Seeds already applied (by content hash) and what they created: applying one again is a no-op. */
  readonly appliedSeeds: Record<string, unknown>;
  /** The Actions OIDC issuer's signing keys, oldest first; the last one signs. */
  oidcKeys: OidcSigningKey[];
  private nextIdValue: number;
  private readonly accountsByLogin = new Map<string, Account>();
  private readonly accountsById = new Map<number, Account>();
  private readonly reposByName = new Map<string, Repo>();
  private readonly reposById = new Map<number, Repo>();
  private readonly appsById = new Map<number, App>();
  private readonly installationsById = new Map<number, Installation>();
  private readonly tokensByValue = new Map<string, TokenRecord>();
  private readonly caches = new Map<number, RepoCache>();
  private readonly listeners: Array<(repo?: Repo) => void> = [];

  constructor(snapshot?: StateSnapshot, adminToken?: string) {
    this.adminToken = adminToken ?? snapshot?.adminToken ?? `emu_admin_${randomBytes(20).toString("hex")}`;
    this.limits = { ...DEFAULT_LIMITS, ...snapshot?.limits };
    this.nextIdValue = snapshot?.nextId ?? 1000;
    this.appliedSeeds = { ...snapshot?.appliedSeeds };
    this.oidcKeys = [...(snapshot?.oidcKeys ?? [])];
    for (const account of snapshot?.accounts ?? []) this.addAccount(account);
    for (const repo of snapshot?.repos ?? []) this.addRepo(repo);
    for (const app of snapshot?.apps ?? []) this.addApp(app);
    for (const installation of snapshot?.installations ?? []) this.addInstallation(installation);
    for (const token of snapshot?.tokens ?? []) this.addToken(token);
  }

  /** A fresh id; one sequence for every kind of object, like GitHub's database ids. */
  nextId(): number {
    const id = this.nextIdValue;
    this.nextIdValue += 1;
    return id;
  }

  /** The id `nextId()` will hand out next (persisted, so ids are never reused after a restart). */
  peekNextId(): number {
    return this.nextIdValue;
  }

  /** Records that something changed: ETags move on, render caches drop, a snapshot is scheduled. */
  changed(repo?: Repo): void {
    this.revision += 1;
    if (repo) this.caches.delete(repo.id);
    else this.caches.clear();
    for (const listener of this.listeners) listener(repo);
  }

  /** `listener(repo)` after every change: `repo` is the one repository that changed, or undefined for any. */
  onChange(listener: (repo?: Repo) => void): void {
    this.listeners.push(listener);
  }

  cacheOf(repo: Repo): RepoCache {
    let cache = this.caches.get(repo.id);
    if (!cache) {
      cache = { issueJson: new Map(), sorted: new Map(), milestoneJson: new Map() };
      this.caches.set(repo.id, cache);
    }
    return cache;
  }

  addAccount(account: Account): Account {
    this.accountsByLogin.set(account.login.toLowerCase(), account);
    this.accountsById.set(account.id, account);
    return account;
  }

  account(login: string): Account | undefined {
    return this.accountsByLogin.get(login.toLowerCase());
  }

  accountById(id: number): Account | undefined {
    return this.accountsById.get(id);
  }

  /** The account with this id; its absence is a broken invariant of the state. */
  accountOf(id: number): Account {
    const account = this.accountsById.get(id);
    if (!account) throw new Error(`state refers to missing account ${id}`);
    return account;
  }

  accounts(): Account[] {
    return [...this.accountsById.values()];
  }

  addRepo(repo: Repo): Repo {
    const owner = this.accountOf(repo.ownerId);
    this.reposByName.set(`${owner.login}/${repo.name}`.toLowerCase(), repo);
    this.reposById.set(repo.id, repo);
    return repo;
  }

  removeRepo(repo: Repo): void {
    this.reposByName.delete(this.fullName(repo).toLowerCase());
    this.reposById.delete(repo.id);
    this.caches.delete(repo.id);
  }

  repo(owner: string, name: string): Repo | undefined {
    return this.reposByName.get(`${owner}/${name}`.toLowerCase());
  }

  repoById(id: number): Repo | undefined {
    return this.reposById.get(id);
  }

  repos(): Repo[] {
    return [...this.reposById.values()];
  }

  fullName(repo: Repo): string {
    return `${this.accountOf(repo.ownerId).login}/${repo.name}`;
  }

  addApp(app: App): App {
    this.appsById.set(app.id, app);
    return app;
  }

  app(id: number): App | undefined {
    return this.appsById.get(id);
  }

  appBySlug(slug: string): App | undefined {
    return [...this.appsById.values()].find((app) => app.slug === slug);
  }

  apps(): App[] {
    return [...this.appsById.values()];
  }

  addInstallation(installation: Installation): Installation {
    this.installationsById.set(installation.id, installation);
    return installation;
  }

  installation(id: number): Installation | undefined {
    return this.installationsById.get(id);
  }

  installations(): Installation[] {
    return [...this.installationsById.values()];
  }

  addToken(token: TokenRecord): TokenRecord {
    this.tokensByValue.set(token.token, token);
    return token;
  }

  token(value: string): TokenRecord | undefined {
    return this.tokensByValue.get(value);
  }

  tokens(): TokenRecord[] {
    return [...this.tokensByValue.values()];
  }

  /** Forgets installation tokens that expired before `now`, so snapshots do not grow without bound. */
  pruneExpiredTokens(now: number): void {
    for (const [value, token] of this.tokensByValue) {
      if (token.expiresAt !== undefined && token.expiresAt < now) this.tokensByValue.delete(value);
    }
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      adminToken: this.adminToken,
      nextId: this.nextIdValue,
      accounts: this.accounts(),
      repos: this.repos(),
      apps: this.apps(),
      installations: this.installations(),
      tokens: this.tokens(),
      limits: this.limits,
      appliedSeeds: this.appliedSeeds,
      oidcKeys: this.oidcKeys,
    };
  }
}
