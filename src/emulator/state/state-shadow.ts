import type { EmulatorState } from "./emulator-state.js";
import { cloneJson, jsonEqual } from "./json-equal.js";
import type { JournalRecord, RepoHeader } from "./journal-record.js";
import type { Issue, Repo, StateSnapshot } from "./types.js";

/** Which repositories may have changed issues since the last diff: some by id, or all of them. */
export type DirtyRepos = Set<number> | "all";

interface ShadowRepo {
  header: Omit<Repo, "issues">;
  issues: Issue[];
}

/**
 * A private copy of the state as it was last made durable. `diff` compares the live state with it,
 * entity by entity, returns what changed (a journal line without its `seq`) and takes the changes
 * in. Nothing depends on handlers reporting what they touched: every account, app, installation,
 * token, seed and repository header is compared on every diff, and the issues of every repository
 * the state reported as changed (`EmulatorState.changed`), so a change is found wherever it was made.
 */
export class StateShadow {
  private meta: NonNullable<JournalRecord["meta"]>;
  private readonly accounts = new Map<number, unknown>();
  private readonly apps = new Map<number, unknown>();
  private readonly installations = new Map<number, unknown>();
  private readonly tokens = new Map<string, unknown>();
  private readonly seeds = new Map<string, unknown>();
  private oidcKeys: unknown;
  private readonly repos = new Map<number, ShadowRepo>();

  /** `snapshot` must share nothing with the live state (e.g. freshly parsed from the snapshot text). */
  constructor(snapshot: StateSnapshot) {
    this.meta = { adminToken: snapshot.adminToken, nextId: snapshot.nextId, limits: snapshot.limits };
    for (const account of snapshot.accounts) this.accounts.set(account.id, account);
    for (const app of snapshot.apps) this.apps.set(app.id, app);
    for (const installation of snapshot.installations) this.installations.set(installation.id, installation);
    for (const token of snapshot.tokens) this.tokens.set(token.token, token);
    for (const [key, value] of Object.entries(snapshot.appliedSeeds ?? {})) this.seeds.set(key, value);
    this.oidcKeys = snapshot.oidcKeys ?? [];
    for (const { issues, ...header } of snapshot.repos) this.repos.set(header.id, { header, issues });
  }

  /** What changed since the last diff (undefined: nothing), now taken into the shadow. */
  diff(state: EmulatorState, dirty: DirtyRepos): Omit<JournalRecord, "seq"> | undefined {
    const record: Omit<JournalRecord, "seq"> = {};
    const meta = { adminToken: state.adminToken, nextId: state.peekNextId(), limits: state.limits };
    if (!jsonEqual(meta, this.meta)) this.meta = record.meta = cloneJson(meta);
    diffKeyed(this.accounts, state.accounts(), (account) => account.id, record, "accounts", "dropAccounts");
    diffKeyed(this.apps, state.apps(), (app) => app.id, record, "apps", "dropApps");
    diffKeyed(
      this.installations,
      state.installations(),
      (installation) => installation.id,
      record,
      "installations",
      "dropInstallations",
    );
    diffKeyed(this.tokens, state.tokens(), (token) => token.token, record, "tokens", "dropTokens");
    for (const [key, value] of Object.entries(state.appliedSeeds)) {
      if (this.seeds.has(key) && jsonEqual(value, this.seeds.get(key))) continue;
      const copy = cloneJson(value);
      this.seeds.set(key, copy);
      (record.seeds ??= {})[key] = copy;
    }
    if (!jsonEqual(state.oidcKeys, this.oidcKeys))
      this.oidcKeys = record.oidcKeys = cloneJson(state.oidcKeys);
    this.diffRepos(state, dirty, record);
    return Object.keys(record).length === 0 ? undefined : record;
  }

  private diffRepos(state: EmulatorState, dirty: DirtyRepos, record: Omit<JournalRecord, "seq">): void {
    const live = new Set<number>();
    for (const repo of state.repos()) {
      live.add(repo.id);
      let shadow = this.repos.get(repo.id);
      const isNew = shadow === undefined;
      shadow ??= { header: undefined as never, issues: [] };
      const countChanged = shadow.issues.length !== repo.issues.length;
      if (isNew || dirty === "all" || dirty.has(repo.id) || countChanged) {
        for (let index = 0; index < repo.issues.length; index += 1) {
          const issue = repo.issues[index];
          if (jsonEqual(issue, shadow.issues[index])) continue;
          const copy = cloneJson(issue);
          shadow.issues[index] = copy;
          (record.issues ??= []).push({ repo: repo.id, issue: copy });
        }
        shadow.issues.length = repo.issues.length;
      }
      if (isNew || countChanged || !jsonEqual(repo, shadow.header, "issues")) {
        shadow.header = cloneJson(repo, "issues");
        const header: RepoHeader = { ...shadow.header, issueCount: repo.issues.length };
        (record.repos ??= []).push(header);
      }
      this.repos.set(repo.id, shadow);
    }
    for (const id of this.repos.keys()) {
      if (live.has(id)) continue;
      this.repos.delete(id);
      (record.dropRepos ??= []).push(id);
    }
  }
}

type KeyedField = "accounts" | "apps" | "installations" | "tokens";
type DropField = "dropAccounts" | "dropApps" | "dropInstallations" | "dropTokens";

function diffKeyed<K, V>(
  shadow: Map<K, unknown>,
  live: V[],
  key: (value: V) => K,
  record: Omit<JournalRecord, "seq">,
  field: KeyedField,
  dropField: DropField,
): void {
  const seen = new Set<K>();
  for (const value of live) {
    const id = key(value);
    seen.add(id);
    if (jsonEqual(value, shadow.get(id))) continue;
    const copy = cloneJson(value);
    shadow.set(id, copy);
    ((record[field] ??= []) as V[]).push(copy);
  }
  for (const id of shadow.keys()) {
    if (seen.has(id)) continue;
    shadow.delete(id);
    ((record[dropField] ??= []) as K[]).push(id);
  }
}
