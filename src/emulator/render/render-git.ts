import type { GitCommitData, GitPerson, GitTreeEntry } from "../git/git-store.js";
import type { Repo } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";
import { repoApiUrl, repoHtmlUrl } from "./render-repo.js";
import { renderSimpleUser } from "./render-user.js";

function person(who: GitPerson) {
  return { name: who.name, email: who.email, date: isoTime(who.timestamp * 1000) };
}

/** GitHub shows commit messages without git's trailing newline. */
function messageOf(commit: GitCommitData): string {
  return commit.message.replace(/\n$/, "");
}

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

/** The `git-commit` shape (git data API, and the `commit` of a contents write). */
export function renderGitCommit(ctx: RenderContext, repo: Repo, commit: GitCommitData) {
  const api = repoApiUrl(ctx, repo);
  const html = repoHtmlUrl(ctx, repo);
  return {
    sha: commit.oid,
    node_id: nodeId("Commit", parseInt(commit.oid.slice(0, 8), 16)),
    url: `${api}/git/commits/${commit.oid}`,
    html_url: `${html}/commit/${commit.oid}`,
    author: person(commit.author),
    committer: person(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: messageOf(commit),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

/** The account a commit's email belongs to, for the `author`/`committer` users of the `commit` shape. */
function accountForEmail(ctx: RenderContext, email: string) {
  const match = /^(\d+)\+[^@]+@users\.noreply\./.exec(email);
  const byId = match ? ctx.state.accountById(Number(match[1])) : undefined;
  const account = byId ?? ctx.state.accounts().find((candidate) => candidate.email === email);
  return account ? renderSimpleUser(ctx, account) : null;
}

/** The `commit` shape (branches, commits API): the git commit wrapped with GitHub's users and links. */
export function renderCommit(ctx: RenderContext, repo: Repo, commit: GitCommitData) {
  const api = repoApiUrl(ctx, repo);
  const html = repoHtmlUrl(ctx, repo);
  return {
    sha: commit.oid,
    node_id: nodeId("Commit", parseInt(commit.oid.slice(0, 8), 16)),
    commit: {
      author: person(commit.author),
      committer: person(commit.committer),
      message: messageOf(commit),
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      url: `${api}/git/commits/${commit.oid}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${commit.oid}`,
    html_url: `${html}/commit/${commit.oid}`,
    comments_url: `${api}/commits/${commit.oid}/comments`,
    author: accountForEmail(ctx, commit.author.email),
    committer: accountForEmail(ctx, commit.committer.email),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
  };
}

/** Base64 the way GitHub sends file contents: wrapped at 60 characters, trailing newline. */
export function wrappedBase64(data: Buffer): string {
  const text = data.toString("base64");
  let out = "";
  for (let index = 0; index < text.length; index += 60) out += `${text.slice(index, index + 60)}\n`;
  return out;
}

/** The links and identity of a path in the contents API (without `content`/`encoding`). */
export function renderContentEntry(
  ctx: RenderContext,
  repo: Repo,
  entry: GitTreeEntry,
  path: string,
  ref: string,
  size: number,
) {
  const api = repoApiUrl(ctx, repo);
  const html = repoHtmlUrl(ctx, repo);
  const type =
    entry.type === "tree"
      ? "dir"
      : entry.type === "commit"
        ? "submodule"
        : entry.mode === "120000"
          ? "symlink"
          : "file";
  const self = `${api}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${entry.type === "tree" ? "trees" : "blobs"}/${entry.oid}`;
  const htmlUrl = `${html}/${entry.type === "tree" ? "tree" : "blob"}/${ref}/${encodePath(path)}`;
  return {
    name: path.split("/").pop() ?? path,
    path,
    sha: entry.oid,
    size: entry.type === "blob" ? size : 0,
    url: self,
    html_url: htmlUrl,
    git_url: gitUrl,
    download_url: type === "file" ? `${html}/raw/${ref}/${encodePath(path)}` : null,
    type,
    _links: { self, git: gitUrl, html: htmlUrl },
  };
}

export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export function renderGitRef(ctx: RenderContext, repo: Repo, ref: string, oid: string, type = "commit") {
  const api = repoApiUrl(ctx, repo);
  return {
    ref,
    node_id: nodeId("Ref", parseInt(oid.slice(0, 8), 16)),
    url: `${api}/git/${ref}`,
    object: { sha: oid, type, url: `${api}/git/${type}s/${oid}` },
  };
}

export function renderTreeEntry(
  ctx: RenderContext,
  repo: Repo,
  entry: GitTreeEntry,
  path: string,
  size?: number,
) {
  const api = repoApiUrl(ctx, repo);
  return {
    path,
    mode: entry.mode,
    type: entry.type,
    sha: entry.oid,
    ...(entry.type === "blob" ? { size: size ?? 0 } : {}),
    url: `${api}/git/${entry.type === "tree" ? "trees" : entry.type === "blob" ? "blobs" : "commits"}/${entry.oid}`,
  };
}
