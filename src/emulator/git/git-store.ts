import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import git from "isomorphic-git";
import { PRE_RECEIVE_HOOK, PROTECTION_FILE } from "./pre-receive-hook.js";

const run = promisify(execFile);

export interface GitPerson {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  timezoneOffset: number;
}

export interface GitTreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: "blob" | "tree" | "commit";
}

export interface GitCommitData {
  oid: string;
  message: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
}

export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
const ZERO = "0000000000000000000000000000000000000000";

/**
 * The bare git repositories behind the local GitHub (`<root>/<owner>/<name>.git`). Objects are read
 * and written in-process with isomorphic-git (which also reads the packs `git push` leaves); refs
 * move only through `git update-ref` with the expected old value, a real compare-and-swap. Every
 * SHA this server reports is git's own.
 */
export class GitStore {
  private readonly caches = new Map<string, object>();

  constructor(readonly root: string) {}

  gitdir(fullName: string): string {
    return join(this.root, `${fullName}.git`);
  }

  private io(fullName: string) {
    let cache = this.caches.get(fullName);
    if (!cache) {
      cache = {};
      this.caches.set(fullName, cache);
    }
    return { fs, gitdir: this.gitdir(fullName), cache };
  }

  /** Creates the bare repository (HEAD on `defaultBranch`, pushes over HTTP allowed, protection hook). */
  async create(fullName: string, defaultBranch: string): Promise<void> {
    const gitdir = this.gitdir(fullName);
    await mkdir(gitdir, { recursive: true });
    await this.git(fullName, ["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`]);
    await this.git(fullName, ["config", "http.receivepack", "true"]);
    // Packs from pushes stay as they are: no background gc racing the in-process object reader.
    await this.git(fullName, ["config", "receive.autogc", "false"]);
    await this.git(fullName, ["config", "gc.auto", "0"]);
    await writeFile(join(gitdir, "hooks", "pre-receive"), PRE_RECEIVE_HOOK);
    await chmod(join(gitdir, "hooks", "pre-receive"), 0o755);
    await writeFile(join(gitdir, PROTECTION_FILE), "");
  }

  async remove(fullName: string): Promise<void> {
    this.caches.delete(fullName);
    await rm(this.gitdir(fullName), { recursive: true, force: true });
  }

  /** Runs system git in the bare repository; rejects with git's stderr on a non-zero exit. */
  async git(fullName: string, args: string[], env: Record<string, string> = {}): Promise<string> {
    const { stdout } = await run("git", args, {
      cwd: this.gitdir(fullName),
      env: { ...process.env, ...env, GIT_DIR: this.gitdir(fullName) },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  /** The commit a full ref (`refs/heads/main`) points at, or undefined. */
  async resolveRef(fullName: string, ref: string): Promise<string | undefined> {
    try {
      return await git.resolveRef({ ...this.io(fullName), ref, depth: 2 });
    } catch {
      return undefined;
    }
  }

  resolveBranch(fullName: string, branch: string): Promise<string | undefined> {
    return this.resolveRef(fullName, `refs/heads/${branch}`);
  }

  /** Resolves a branch name, tag name, full ref or commit SHA the way `?ref=` does. */
  async resolveCommitish(fullName: string, ref: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(ref)) return (await this.objectType(fullName, ref)) ? ref : undefined;
    for (const candidate of [`refs/heads/${ref}`, `refs/tags/${ref}`, ref]) {
      if (!candidate.startsWith("refs/")) continue;
      const oid = await this.resolveRef(fullName, candidate);
      if (oid) return oid;
    }
    return undefined;
  }

  /** Every ref under `prefix` (e.g. `refs/heads/`), sorted by name, with what it points at. */
  async listRefs(fullName: string, prefix = "refs/"): Promise<Array<{ ref: string; oid: string }>> {
    const output = await this.git(fullName, ["for-each-ref", "--format=%(objectname) %(refname)", prefix]);
    return output
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const space = line.indexOf(" ");
        return { oid: line.slice(0, space), ref: line.slice(space + 1) };
      });
  }

  async objectType(fullName: string, oid: string): Promise<"blob" | "tree" | "commit" | "tag" | undefined> {
    try {
      const object = await git.readObject({ ...this.io(fullName), oid, format: "content" });
      return object.type as "blob" | "tree" | "commit" | "tag";
    } catch {
      return undefined;
    }
  }

  async readCommit(fullName: string, oid: string): Promise<GitCommitData | undefined> {
    try {
      const { commit } = await git.readCommit({ ...this.io(fullName), oid });
      return {
        oid,
        message: commit.message,
        tree: commit.tree,
        parents: commit.parent,
        author: commit.author,
        committer: commit.committer,
      };
    } catch {
      return undefined;
    }
  }

  async readTree(fullName: string, oid: string): Promise<GitTreeEntry[] | undefined> {
    try {
      const { tree } = await git.readTree({ ...this.io(fullName), oid });
      return tree.map((entry) => ({ ...entry }));
    } catch {
      return undefined;
    }
  }

  async readBlob(fullName: string, oid: string): Promise<Buffer | undefined> {
    try {
      const { blob } = await git.readBlob({ ...this.io(fullName), oid });
      return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    } catch {
      return undefined;
    }
  }

  /** The entry at `path` in the tree of `commitOid` ("" is the root tree), or undefined. */
  async entryAt(fullName: string, commitOid: string, path: string): Promise<GitTreeEntry | undefined> {
    const commit = await this.readCommit(fullName, commitOid);
    if (!commit) return undefined;
    let entry: GitTreeEntry = { mode: "040000", path: "", oid: commit.tree, type: "tree" };
    for (const part of splitPath(path)) {
      if (entry.type !== "tree") return undefined;
      const children = await this.readTree(fullName, entry.oid);
      const child = children?.find((candidate) => candidate.path === part);
      if (!child) return undefined;
      entry = child;
    }
    return entry;
  }

  async writeBlob(fullName: string, data: Uint8Array): Promise<string> {
    return git.writeBlob({ ...this.io(fullName), blob: data });
  }

  async writeTree(fullName: string, entries: GitTreeEntry[]): Promise<string> {
    if (entries.length === 0) return this.git(fullName, ["mktree"]).then((out) => out.trim());
    return git.writeTree({ ...this.io(fullName), tree: entries });
  }

  async writeCommit(
    fullName: string,
    commit: { message: string; tree: string; parents: string[]; author: GitPerson; committer: GitPerson },
  ): Promise<string> {
    return git.writeCommit({
      ...this.io(fullName),
      commit: {
        message: commit.message.endsWith("\n") ? commit.message : `${commit.message}\n`,
        tree: commit.tree,
        parent: commit.parents,
        author: commit.author,
        committer: commit.committer,
      },
    });
  }

  /**
   * A new root tree equal to `rootTree` with `path` set to `entry` (or removed when `entry` is null);
   * intermediate trees are created or dropped when they become empty, as git does.
   */
  async withPath(
    fullName: string,
    rootTree: string | undefined,
    path: string,
    entry: Omit<GitTreeEntry, "path"> | null,
  ): Promise<string> {
    const updated = await this.updateTree(fullName, rootTree, splitPath(path), entry);
    return updated ?? (await this.writeTree(fullName, []));
  }

  private async updateTree(
    fullName: string,
    treeOid: string | undefined,
    parts: string[],
    entry: Omit<GitTreeEntry, "path"> | null,
  ): Promise<string | undefined> {
    const entries = treeOid ? ((await this.readTree(fullName, treeOid)) ?? []) : [];
    const [head, ...rest] = parts;
    const index = entries.findIndex((candidate) => candidate.path === head);
    let replacement: GitTreeEntry | undefined;
    if (rest.length === 0) {
      replacement = entry === null ? undefined : { ...entry, path: head };
    } else {
      const existing = index === -1 ? undefined : entries[index];
      const child = existing?.type === "tree" ? existing.oid : undefined;
      const childOid = await this.updateTree(fullName, child, rest, entry);
      replacement =
        childOid === undefined ? undefined : { mode: "040000", path: head, oid: childOid, type: "tree" };
    }
    if (index === -1 && replacement) entries.push(replacement);
    else if (index !== -1 && replacement) entries[index] = replacement;
    else if (index !== -1) entries.splice(index, 1);
    if (entries.length === 0) return undefined;
    return this.writeTree(fullName, entries);
  }

  /**
   * Moves `ref` from `expected` (null: must not exist) to `next` (null: delete) atomically; false
   * when the ref was not at `expected`.
   */
  async compareAndSwapRef(
    fullName: string,
    ref: string,
    expected: string | null,
    next: string | null,
  ): Promise<boolean> {
    try {
      if (next === null) await this.git(fullName, ["update-ref", "-d", ref, ...(expected ? [expected] : [])]);
      else await this.git(fullName, ["update-ref", ref, next, expected ?? ZERO]);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether `ancestor` is reachable from `descendant` (equal counts). */
  async isAncestor(fullName: string, ancestor: string, descendant: string): Promise<boolean> {
    if (ancestor === descendant) return true;
    try {
      await this.git(fullName, ["merge-base", "--is-ancestor", ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** A three-way merge of two commits' trees without a work tree: the tree, or undefined on conflict. */
  async mergeTree(fullName: string, base: string, head: string): Promise<string | undefined> {
    try {
      const out = await this.git(fullName, ["merge-tree", "--write-tree", "--no-messages", base, head]);
      return out.split("\n")[0].trim();
    } catch {
      return undefined;
    }
  }

  /** Commits reachable from `head` and not from `base`, newest first. */
  async commitsBetween(fullName: string, base: string, head: string): Promise<string[]> {
    const out = await this.git(fullName, ["rev-list", head, `^${base}`]);
    return out.split("\n").filter((line) => line !== "");
  }

  /** Rewrites the rules file the pre-receive hook enforces. */
  async writeProtectionRules(fullName: string, rules: string): Promise<void> {
    const file = join(this.gitdir(fullName), PROTECTION_FILE);
    await writeFile(`${file}.tmp`, rules);
    await fs.promises.rename(`${file}.tmp`, file);
  }
}

/** Splits a repository path into its segments, refusing `.`/`..`/`.git` and empty segments. */
export function splitPath(path: string): string[] {
  if (path === "" || path === "/") return [];
  return path.replace(/^\/+|\/+$/g, "").split("/");
}

/** Whether a path is acceptable as a file path in a repository. */
export function isValidRepoPath(path: string): boolean {
  const parts = path.split("/");
  return (
    path !== "" &&
    parts.every((part) => part !== "" && part !== "." && part !== ".." && part.toLowerCase() !== ".git")
  );
}
