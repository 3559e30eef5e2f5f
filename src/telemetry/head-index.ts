import type { GitHub } from "../github/octokit.js";
import type { EmitPlan } from "./plan-emit.js";
import { isHttpError } from "./write-attempts.js";

interface Entry {
  name: string;
  path: string;
  sha: string;
  type: string;
}

/** Marks a path where a record may not go (something that is not a record file is there). */
const BLOCKED = "(blocked)";

/**
 * What is stored in the record directories a batch writes into, at one head commit. It lists a
 * date directory once to learn which run directories exist, and a run directory only when it
 * exists. Carried from a head to the commit a batch builds on it (`recordWritten`), it answers the
 * next batch without reading again: a chain of our own commits changes only what we wrote. A head
 * read from the branch starts a new index.
 */
export class HeadIndex {
  /** Run directories per date directory, when the listing was complete. */
  private readonly runsByDate = new Map<string, Set<string>>();
  /** Files (path → blob id) per run directory, complete. */
  private readonly filesByRun = new Map<string, Map<string, string>>();
  private readonly blocked = new Set<string>();

  constructor(
    private readonly github: GitHub,
    private readonly owner: string,
    private readonly repo: string,
    readonly commit: string,
    readonly tree: string,
  ) {}

  /** Blob ids of what is stored at the plans' paths (absent paths are not in the map). */
  async lookup(plans: readonly EmitPlan[]): Promise<Map<string, string>> {
    for (const dateDirectory of new Set(plans.map((plan) => parentOf(parentOf(plan.path))))) {
      if (this.runsByDate.has(dateDirectory) || this.blocked.has(dateDirectory)) continue;
      const listing = await this.list(dateDirectory);
      if (listing === "not a directory") this.blocked.add(dateDirectory);
      // The contents API lists at most 1,000 entries: past that, each run directory is asked.
      else if (listing === "absent") this.runsByDate.set(dateDirectory, new Set());
      else if (listing.length < 1000) {
        this.runsByDate.set(
          dateDirectory,
          new Set(listing.filter((entry) => entry.type === "dir").map((e) => e.path)),
        );
        for (const entry of listing) if (entry.type !== "dir") this.blocked.add(entry.path);
      }
    }
    for (const runDirectory of new Set(plans.map((plan) => parentOf(plan.path)))) {
      const dateDirectory = parentOf(runDirectory);
      if (
        this.filesByRun.has(runDirectory) ||
        this.blocked.has(dateDirectory) ||
        this.blocked.has(runDirectory)
      ) {
        continue;
      }
      if (this.runsByDate.get(dateDirectory)?.has(runDirectory) === false) {
        this.filesByRun.set(runDirectory, new Map());
        continue;
      }
      const listing = await this.list(runDirectory);
      if (listing === "not a directory") this.blocked.add(runDirectory);
      else {
        const files = new Map<string, string>();
        for (const entry of listing === "absent" ? [] : listing) {
          files.set(entry.path, entry.type === "file" ? entry.sha : BLOCKED);
        }
        this.filesByRun.set(runDirectory, files);
      }
    }
    const ids = new Map<string, string>();
    for (const plan of plans) {
      const runDirectory = parentOf(plan.path);
      if (this.blocked.has(runDirectory) || this.blocked.has(parentOf(runDirectory)))
        ids.set(plan.path, BLOCKED);
      else {
        const id = this.filesByRun.get(runDirectory)?.get(plan.path);
        if (id !== undefined) ids.set(plan.path, id);
      }
    }
    return ids;
  }

  /** The index of the commit that adds `written` (blob ids by path) on top of this head. */
  recordWritten(commit: string, tree: string, written: ReadonlyMap<string, string>): HeadIndex {
    const next = new HeadIndex(this.github, this.owner, this.repo, commit, tree);
    for (const [date, runs] of this.runsByDate) next.runsByDate.set(date, new Set(runs));
    for (const [run, files] of this.filesByRun) next.filesByRun.set(run, new Map(files));
    for (const path of this.blocked) next.blocked.add(path);
    for (const [path, id] of written) {
      const runDirectory = parentOf(path);
      next.runsByDate.get(parentOf(runDirectory))?.add(runDirectory);
      let files = next.filesByRun.get(runDirectory);
      if (files === undefined) {
        files = new Map();
        next.filesByRun.set(runDirectory, files);
      }
      files.set(path, id);
    }
    return next;
  }

  private async list(path: string): Promise<Entry[] | "absent" | "not a directory"> {
    let data: unknown;
    try {
      // A missing directory (404) is the usual answer; a retry would only repeat it.
      ({ data } = await this.github.rest.repos.getContent({
        owner: this.owner,
        repo: this.repo,
        path,
        ref: this.commit,
        request: { retries: 0 },
      }));
    } catch (error) {
      if (isHttpError(error) && error.status === 404) return "absent";
      throw error;
    }
    return Array.isArray(data) ? (data as Entry[]) : "not a directory";
  }
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
