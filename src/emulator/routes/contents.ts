import { roleOf } from "../auth/repo-access.js";
import { protectionRefusal } from "../git/branch-protection-rules.js";
import { isValidRepoPath } from "../git/git-store.js";
import { HttpError, invalidRequest, notAccessibleByIntegration, notFound } from "../http/http-error.js";
import { renderContentEntry, renderGitCommit, wrappedBase64 } from "../render/render-git.js";
import type { Repo } from "../state/types.js";
import { personFromBody, personOf } from "./commit-identity.js";
import { bodyObject, optionalString } from "./request-body.js";
import { actorOf, ok, repoOf } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

const RAW_ACCEPT = /application\/vnd\.github(\.v3)?\.raw/;

async function getContents(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "read" });
  const { git } = ctx.emu;
  const full = ctx.emu.state.fullName(repo);
  const path = ctx.params.path.replace(/^\/+|\/+$/g, "");
  const ref = ctx.query.get("ref") || repo.defaultBranch;
  const commit = await git.resolveCommitish(full, ref);
  if (!commit) {
    if ((await git.listRefs(full, "refs/heads/")).length === 0) throw notFound("This repository is empty.");
    throw notFound(`No commit found for the ref ${ref}`);
  }
  const entry = await git.entryAt(full, commit, path);
  if (!entry) throw notFound();
  if (entry.type === "tree") {
    const children = (await git.readTree(full, entry.oid)) ?? [];
    const listing = await Promise.all(
      children.map(async (child) => {
        const childPath = path === "" ? child.path : `${path}/${child.path}`;
        const size = child.type === "blob" ? ((await git.readBlob(full, child.oid))?.length ?? 0) : 0;
        return renderContentEntry(ctx.emu, repo, child, childPath, ref, size);
      }),
    );
    return ok(listing);
  }
  const data = (await git.readBlob(full, entry.oid)) ?? Buffer.alloc(0);
  if (RAW_ACCEPT.test(String(ctx.headers.accept ?? ""))) {
    return {
      status: 200,
      raw: {
        data,
        contentType: "application/vnd.github.v3.raw; charset=utf-8",
        mediaType: "github.v3; param=raw",
      },
    };
  }
  // Like GitHub: the JSON form carries the content of files up to 1 MB only; larger files come back
  // with an empty `content` and `encoding: "none"`, and must be read with the raw media type.
  const tooLarge = data.length > JSON_CONTENT_LIMIT;
  return ok({
    ...renderContentEntry(ctx.emu, repo, entry, path, ref, data.length),
    content: tooLarge ? "" : wrappedBase64(data),
    encoding: tooLarge ? "none" : "base64",
  });
}

/** Largest file whose content the contents API returns in its JSON form. */
export const JSON_CONTENT_LIMIT = 1024 * 1024;

/** Decodes a base64 `content` field; GitHub refuses anything else with 422. */
function decodeContent(value: string): Buffer {
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new HttpError(422, "content is not valid Base64");
  }
  return Buffer.from(compact, "base64");
}

function checkedPath(ctx: RequestContext): string {
  const path = ctx.params.path.replace(/^\/+|\/+$/g, "");
  if (!isValidRepoPath(path)) throw new HttpError(422, "path contains a malformed path component");
  return path;
}

/**
 * Shared by PUT and DELETE: resolves the branch head when the request arrives, then, holding the
 * repository lock, refuses if the head moved meanwhile (GitHub's 409 "is at X but expected Y"),
 * so overlapping writes to one branch conflict as they do on GitHub and none is ever lost.
 */
async function writeFile(
  ctx: RequestContext,
  repo: Repo,
  change: (head: string | undefined) => Promise<{ tree: string; status: number; content: unknown }>,
  message: string,
  branch: string,
): Promise<Reply> {
  const { git, locks, state } = ctx.emu;
  const full = state.fullName(repo);
  const actor = actorOf(ctx);
  const body = bodyObject(ctx);
  const fallback = personOf(actor, ctx.emu.baseUrl, ctx.now);
  const committer = personFromBody(body.committer, "committer", "Commit", fallback);
  const author = personFromBody(body.author, "author", "Commit", committer);
  const expected = await git.resolveBranch(full, branch);
  return locks.run(String(repo.id), async () => {
    const head = await git.resolveBranch(full, branch);
    if (!head && (body.branch !== undefined || (await git.listRefs(full, "refs/heads/")).length > 0)) {
      throw notFound(`Branch ${branch} not found`);
    }
    const refusal = protectionRefusal(repo.protections[branch], "update", {
      login: actor.login,
      isAdmin: roleOf(state, ctx.principal, repo) === "admin",
    });
    if (refusal) throw new HttpError(409, refusal);
    if (head !== expected)
      throw new HttpError(409, `is at ${head ?? "nothing"} but expected ${expected ?? "nothing"}`);
    const { tree, status, content } = await change(head);
    const commit = await git.writeCommit(full, {
      message,
      tree,
      parents: head ? [head] : [],
      author,
      committer,
    });
    if (!(await git.compareAndSwapRef(full, `refs/heads/${branch}`, head ?? null, commit))) {
      throw new HttpError(409, `is at a different commit than ${head ?? "nothing"}`);
    }
    repo.pushedAt = ctx.now;
    const data = await git.readCommit(full, commit);
    return { status, body: { content, commit: data ? renderGitCommit(ctx.emu, repo, data) : null } };
  });
}

/**
 * GitHub refuses an App's (or installation token's) change under `.github/workflows/` unless it
 * holds the `workflows` permission, whatever its contents permission.
 */
function assertWorkflowsPermission(ctx: RequestContext, path: string): void {
  if (!/^\.github\/workflows\//.test(path)) return;
  if (ctx.principal.kind === "installation" && ctx.principal.permissions.workflows !== "write") {
    throw notAccessibleByIntegration();
  }
}

async function putContents(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "write" });
  const path = checkedPath(ctx);
  assertWorkflowsPermission(ctx, path);
  const body = bodyObject(ctx);
  const message = optionalString(body, "message", "Commit");
  if (!message) throw invalidRequest('"message" wasn\'t supplied.');
  const contentText = optionalString(body, "content", "Commit");
  if (contentText === undefined || contentText === null) throw invalidRequest('"content" wasn\'t supplied.');
  const sha = optionalString(body, "sha", "Commit");
  const branch = optionalString(body, "branch", "Commit") || repo.defaultBranch;
  const data = decodeContent(contentText);
  const { git, state } = ctx.emu;
  const full = state.fullName(repo);
  return writeFile(
    ctx,
    repo,
    async (head) => {
      const existing = head ? await git.entryAt(full, head, path) : undefined;
      if (existing?.type === "tree") throw new HttpError(422, `${path} is a directory`);
      if (existing && !sha) throw invalidRequest('"sha" wasn\'t supplied.');
      if (sha && existing?.oid !== sha) throw new HttpError(409, `${path} does not match ${sha}`);
      const blob = await git.writeBlob(full, data);
      const root = head ? (await git.readCommit(full, head))?.tree : undefined;
      const mode = existing?.mode === "100755" ? "100755" : "100644";
      const tree = await git.withPath(full, root, path, { mode, oid: blob, type: "blob" });
      const content = renderContentEntry(
        ctx.emu,
        repo,
        { mode, path, oid: blob, type: "blob" },
        path,
        branch,
        data.length,
      );
      return { tree, status: existing ? 200 : 201, content };
    },
    message,
    branch,
  );
}

async function deleteContents(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "write" });
  const path = checkedPath(ctx);
  assertWorkflowsPermission(ctx, path);
  const body = bodyObject(ctx);
  const message = optionalString(body, "message", "Commit");
  if (!message) throw invalidRequest('"message" wasn\'t supplied.');
  const sha = optionalString(body, "sha", "Commit");
  if (!sha) throw invalidRequest('"sha" wasn\'t supplied.');
  const branch = optionalString(body, "branch", "Commit") || repo.defaultBranch;
  const { git, state } = ctx.emu;
  const full = state.fullName(repo);
  return writeFile(
    ctx,
    repo,
    async (head) => {
      const existing = head ? await git.entryAt(full, head, path) : undefined;
      if (!existing || existing.type !== "blob") throw notFound();
      if (existing.oid !== sha) throw new HttpError(409, `${path} does not match ${sha}`);
      const root = (await git.readCommit(full, head ?? ""))?.tree;
      const tree = await git.withPath(full, root, path, null);
      return { tree, status: 200, content: null };
    },
    message,
    branch,
  );
}

export const contentRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/contents/{path}", handler: getContents },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/contents/{path}",
    handler: putContents,
    contentCreating: true,
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/contents/{path}",
    handler: deleteContents,
    contentCreating: true,
  },
];
