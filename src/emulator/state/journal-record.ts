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

/** A repository without its issues, and how many issues it has (they are journaled one by one). */
export type RepoHeader = Omit<Repo, "issues"> & { issueCount: number };

/**
 * One line of the state journal: every entity that changed in one group commit, as it is now
 * (whole records, not operations, so replaying a line twice gives the same state), and the ids of
 * entities that are gone. `seq` orders lines; the snapshot names the last line it contains.
 */
export interface JournalRecord {
  seq: number;
  meta?: { adminToken: string; nextId: number; limits: Limits };
  accounts?: Account[];
  dropAccounts?: number[];
  apps?: App[];
  dropApps?: number[];
  installations?: Installation[];
  dropInstallations?: number[];
  tokens?: TokenRecord[];
  dropTokens?: string[];
  seeds?: Record<string, unknown>;
  /** The OIDC issuer's whole key list, when it changed (it is short and changes rarely). */
  oidcKeys?: OidcSigningKey[];
  repos?: RepoHeader[];
  dropRepos?: number[];
  /** Changed or new issues by repository id; `number` places each in its repository. */
  issues?: Array<{ repo: number; issue: Issue }>;
}

/**
 * Applies journal lines, in order, to a snapshot and returns the resulting snapshot. Lines at or
 * below the snapshot's `journalSeq` are already in it and are skipped. Pure: `snapshot` is consumed.
 */
export function replayJournal(snapshot: StateSnapshot, records: readonly JournalRecord[]): StateSnapshot {
  const after = snapshot.journalSeq ?? 0;
  const pending = records.filter((record) => record.seq > after);
  if (pending.length === 0) return snapshot;
  const accounts = new Map(snapshot.accounts.map((account) => [account.id, account]));
  const apps = new Map(snapshot.apps.map((app) => [app.id, app]));
  const installations = new Map(
    snapshot.installations.map((installation) => [installation.id, installation]),
  );
  const tokens = new Map(snapshot.tokens.map((token) => [token.token, token]));
  const repos = new Map(snapshot.repos.map((repo) => [repo.id, repo]));
  const seeds = { ...snapshot.appliedSeeds };
  let { adminToken, nextId, limits, oidcKeys } = snapshot;
  const issueCounts = new Map<number, number>();
  let seq = after;
  for (const record of pending) {
    seq = record.seq;
    if (record.meta) ({ adminToken, nextId, limits } = record.meta);
    upsert(accounts, record.accounts, record.dropAccounts, (account) => account.id);
    upsert(apps, record.apps, record.dropApps, (app) => app.id);
    upsert(installations, record.installations, record.dropInstallations, (installation) => installation.id);
    upsert(tokens, record.tokens, record.dropTokens, (token) => token.token);
    Object.assign(seeds, record.seeds);
    if (record.oidcKeys) oidcKeys = record.oidcKeys;
    for (const id of record.dropRepos ?? []) {
      repos.delete(id);
      issueCounts.delete(id);
    }
    for (const { issueCount, ...header } of record.repos ?? []) {
      const issues = repos.get(header.id)?.issues ?? [];
      issues.length = Math.min(issues.length, issueCount);
      repos.set(header.id, { ...header, issues });
      issueCounts.set(header.id, issueCount);
    }
    for (const { repo: repoId, issue } of record.issues ?? []) {
      const repo = repos.get(repoId);
      if (!repo) throw new Error(`journal line ${record.seq} has an issue of unknown repository ${repoId}`);
      repo.issues[issue.number - 1] = issue;
    }
  }
  // A line carries every issue its repository's count grew by, so a hole means a damaged journal.
  for (const [id, count] of issueCounts) {
    const issues = repos.get(id)?.issues ?? [];
    for (let index = 0; index < count; index += 1) {
      if (issues[index] === undefined) {
        throw new Error(`the state journal has no issue ${index + 1} of repository ${id}`);
      }
    }
  }
  return {
    ...snapshot,
    journalSeq: seq,
    adminToken,
    nextId,
    limits,
    accounts: [...accounts.values()],
    apps: [...apps.values()],
    installations: [...installations.values()],
    tokens: [...tokens.values()],
    repos: [...repos.values()],
    appliedSeeds: seeds,
    ...(oidcKeys === undefined ? {} : { oidcKeys }),
  };
}

function upsert<K, V>(
  map: Map<K, V>,
  set: V[] | undefined,
  drop: K[] | undefined,
  key: (value: V) => K,
): void {
  for (const value of set ?? []) map.set(key(value), value);
  for (const id of drop ?? []) map.delete(id);
}
