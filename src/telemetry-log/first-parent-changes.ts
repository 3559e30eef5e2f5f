import { gitItems, type GitRunOptions } from "../dashboard/run-git.js";

/** One file a commit of the first-parent history changed, against its first parent. */
export interface FileChange {
  commit: string;
  /** Git's status letter: A added, M modified, D deleted, T type changed. */
  status: "A" | "M" | "D" | "T";
  path: string;
  /** The blob after the change (all zeros for a deletion). */
  blob: string;
}

export interface CommitChanges {
  commit: string;
  changes: FileChange[];
}

/**
 * Streams the first-parent history of `to` (after `from`, when given), oldest commit first, each with
 * the files it changed against its first parent (a merge counts as one change, as the log's append
 * order says). Renames are not detected: a moved record is a deletion and an addition. Only paths
 * under `pathspecs` are reported. One `git log` process; memory holds one commit's changes.
 */
export async function* firstParentChanges(
  options: GitRunOptions & { from?: string; to: string; pathspecs: readonly string[] },
): AsyncGenerator<CommitChanges> {
  const range = options.from === undefined ? options.to : `${options.from}..${options.to}`;
  const args = [
    "log",
    "--first-parent",
    "--reverse",
    "--root",
    "--diff-merges=first-parent",
    "--no-renames",
    "--raw",
    "--no-abbrev",
    "-z",
    "--format=%x01%H",
    range,
    "--",
    ...options.pathspecs,
  ];
  let current: CommitChanges | undefined;
  let meta: string | undefined;
  for await (const raw of gitItems(args, options)) {
    const item = raw.startsWith("\n") ? raw.slice(1) : raw;
    if (meta !== undefined) {
      // ":<old mode> <new mode> <old blob> <new blob> <status>" then the path.
      const fields = meta.split(" ");
      const status = fields[4]?.[0];
      if (current && (status === "A" || status === "M" || status === "D" || status === "T")) {
        current.changes.push({ commit: current.commit, status, path: item, blob: fields[3] });
      }
      meta = undefined;
    } else if (item.startsWith("\x01")) {
      if (current) yield current;
      current = { commit: item.slice(1).trim(), changes: [] };
    } else if (item.startsWith(":")) {
      meta = item;
    }
  }
  if (current) yield current;
}
