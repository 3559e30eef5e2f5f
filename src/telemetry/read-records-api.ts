import { ExternalError, UsageError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { requestFailure, unreachableCode } from "../github/request-failure.js";
import type { RecordEntry } from "./classify-record-file.js";
import { splitTargetRepo } from "./envelope.js";
import { RECORDS_ROOT } from "./record-path.js";
import {
  walkRecordTree,
  type RecordTreeSource,
  type TreeChild,
  type WalkOptions,
} from "./walk-record-tree.js";

/**
 * Iterates the records of a telemetry repository through the git data API, at `ref` (default: the
 * default branch). Costs: a few requests to reach `telemetry/v1/repos`, one recursive tree per
 * `<owner>-<repo>` directory (falling back to one tree per directory when GitHub truncates it),
 * and one blob per record, read `readAhead` at a time. Yields the same entries as
 * `readRecordsFromDir`, in the same order.
 */
export function readRecordsFromApi(
  github: GitHub,
  location: { repo: string; ref?: string },
  options: WalkOptions = {},
): AsyncGenerator<RecordEntry> {
  return walkRecordTree(apiTreeSource(github, location), options);
}

/** The tree of a repository at a ref, read lazily through the git data API. */
export function apiTreeSource(github: GitHub, location: { repo: string; ref?: string }): RecordTreeSource {
  const parts = splitTargetRepo(location.repo);
  if (parts === undefined) {
    throw new UsageError(`--repo ${JSON.stringify(location.repo)} is not owner/name`, {
      hint: "name the telemetry repository as owner/name",
    });
  }
  const { owner, repo } = parts;
  const depthOfRepoDirs = RECORDS_ROOT.split("/").length + 1;
  /** Children of directories we have listed, keyed by repository-relative path. */
  const listed = new Map<string, TreeChild[]>();
  let rootTree: Promise<string> | undefined;

  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      const failure = requestFailure(error);
      if (failure === undefined) throw error;
      const code = failure.status === undefined ? unreachableCode(error) : undefined;
      const why =
        failure.status !== undefined ? `HTTP ${failure.status}` : `not reached${code ? `: ${code}` : ""}`;
      throw new ExternalError(`GitHub could not ${what} of ${owner}/${repo} (${why})`, {
        status: failure.status,
        hint:
          failure.status === 404 ? "check the repository name, the ref and the token's access" : failure.hint,
        cause: error,
      });
    }
  };

  const resolveRootTree = async (): Promise<string> => {
    const ref = location.ref;
    if (ref !== undefined && /^[0-9a-f]{40}$/.test(ref)) {
      const { data } = await call(`read commit ${ref}`, () =>
        github.rest.git.getCommit({ owner, repo, commit_sha: ref }),
      );
      return data.tree.sha;
    }
    let branch = ref;
    if (branch === undefined) {
      const { data } = await call("read the repository", () => github.rest.repos.get({ owner, repo }));
      branch = data.default_branch;
    }
    const { data } = await call(`read branch ${branch}`, () =>
      github.rest.repos.getBranch({ owner, repo, branch: branch }),
    );
    return data.commit.commit.tree.sha;
  };

  const readTree = async (sha: string, recursive: boolean) => {
    const { data } = await call("read a tree", () =>
      github.rest.git.getTree({ owner, repo, tree_sha: sha, ...(recursive ? { recursive: "true" } : {}) }),
    );
    return data;
  };

  const toTreeChild = (
    entry: { path?: string; type?: string; mode?: string; sha?: string },
    name: string,
  ): TreeChild => ({
    name,
    id: entry.sha ?? "",
    type: entry.type === "tree" ? "dir" : entry.type === "blob" && entry.mode !== "120000" ? "file" : "other",
  });

  const listTree = async (sha: string, path: string): Promise<TreeChild[]> => {
    const depth = path.split("/").length;
    if (depth !== depthOfRepoDirs) {
      const tree = await readTree(sha, false);
      return tree.tree.map((entry) => toTreeChild(entry, entry.path ?? ""));
    }
    // One `<owner>-<repo>` directory: fetch it whole, and forget the previous one's listing.
    for (const key of [...listed.keys()]) if (key.split("/").length >= depthOfRepoDirs) listed.delete(key);
    const tree = await readTree(sha, true);
    if (tree.truncated) {
      const top = await readTree(sha, false);
      return top.tree.map((entry) => toTreeChild(entry, entry.path ?? ""));
    }
    const byDirectory = new Map<string, TreeChild[]>([[path, []]]);
    for (const entry of tree.tree) {
      const relative = entry.path ?? "";
      const slash = relative.lastIndexOf("/");
      const parent = slash === -1 ? path : `${path}/${relative.slice(0, slash)}`;
      const node = toTreeChild(entry, relative.slice(slash + 1));
      if (!byDirectory.has(parent)) byDirectory.set(parent, []);
      byDirectory.get(parent)!.push(node);
      if (node.type === "dir" && !byDirectory.has(`${path}/${relative}`))
        byDirectory.set(`${path}/${relative}`, []);
    }
    for (const [key, children] of byDirectory) if (key !== path) listed.set(key, children);
    return byDirectory.get(path)!;
  };

  const nodeAt = async (path: string): Promise<TreeChild | undefined> => {
    const slash = path.lastIndexOf("/");
    const siblings = await list(slash === -1 ? "" : path.slice(0, slash));
    return siblings?.find((child) => child.name === path.slice(slash + 1));
  };

  const list = async (path: string): Promise<TreeChild[] | undefined> => {
    const known = listed.get(path);
    if (known !== undefined) return known;
    let sha: string;
    if (path === "") {
      rootTree ??= resolveRootTree();
      sha = await rootTree;
    } else {
      const node = await nodeAt(path);
      if (node === undefined || node.type !== "dir") return undefined;
      sha = node.id ?? "";
    }
    const children = await listTree(sha, path);
    listed.set(path, children);
    return children;
  };

  return {
    list,
    async read(path, child) {
      const sha = child.id ?? (await nodeAt(path))?.id;
      if (sha === undefined) throw new ExternalError(`${path} is not in ${owner}/${repo}`);
      const { data } = await call(`read ${path}`, () =>
        github.rest.git.getBlob({ owner, repo, file_sha: sha }),
      );
      return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8");
    },
  };
}
