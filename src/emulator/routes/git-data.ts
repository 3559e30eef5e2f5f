import { roleOf } from "../auth/repo-access.js";
import { protectionRefusal, type RefOperation } from "../git/branch-protection-rules.js";
import type { GitTreeEntry } from "../git/git-store.js";
import { HttpError, notFound, validationFailed } from "../http/http-error.js";
import { nodeId } from "../render/render-context.js";
import { renderGitCommit, renderGitRef, renderTreeEntry, wrappedBase64 } from "../render/render-git.js";
import { repoApiUrl } from "../render/render-repo.js";
import type { Repo } from "../state/types.js";
import { personFromBody, personOf } from "./commit-identity.js";
import { bodyObject, optionalBoolean, optionalString, requiredString } from "./request-body.js";
import { actorOf, noContent, ok, repoOf } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

const READ = { scope: "contents", level: "read" } as const;
const WRITE = { scope: "contents", level: "write" } as const;
const SHA = /^[0-9a-f]{40}$/;

const fullNameOf = (ctx: RequestContext, repo: Repo) => ctx.emu.state.fullName(repo);

async function createBlob(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const body = bodyObject(ctx);
  const content = optionalString(body, "content", "Blob");
  if (content === undefined || content === null)
    throw validationFailed({ resource: "Blob", code: "missing_field", field: "content" });
  const encoding = optionalString(body, "encoding", "Blob") ?? "utf-8";
  if (encoding !== "utf-8" && encoding !== "utf8" && encoding !== "base64") {
    throw validationFailed({ resource: "Blob", code: "invalid", field: "encoding" });
  }
  const data = encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8");
  const sha = await ctx.emu.git.writeBlob(fullNameOf(ctx, repo), data);
  const url = `${repoApiUrl(ctx.emu, repo)}/git/blobs/${sha}`;
  return { status: 201, body: { url, sha }, headers: { location: url } };
}

async function getBlob(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const sha = ctx.params.file_sha;
  const full = fullNameOf(ctx, repo);
  if (!SHA.test(sha) || (await ctx.emu.git.objectType(full, sha)) !== "blob") throw notFound();
  const data = (await ctx.emu.git.readBlob(full, sha)) ?? Buffer.alloc(0);
  return ok({
    sha,
    node_id: nodeId("Blob", parseInt(sha.slice(0, 8), 16)),
    size: data.length,
    url: `${repoApiUrl(ctx.emu, repo)}/git/blobs/${sha}`,
    content: wrappedBase64(data),
    encoding: "base64",
  });
}

const MODES: Record<string, GitTreeEntry["type"]> = {
  "100644": "blob",
  "100755": "blob",
  "120000": "blob",
  "040000": "tree",
  "40000": "tree",
  "160000": "commit",
};

async function createTree(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const full = fullNameOf(ctx, repo);
  const { git } = ctx.emu;
  const body = bodyObject(ctx);
  const entries = body.tree;
  if (!Array.isArray(entries))
    throw validationFailed({ resource: "Tree", code: "missing_field", field: "tree" });
  const baseTree = optionalString(body, "base_tree", "Tree");
  if (baseTree && (await git.objectType(full, baseTree)) !== "tree") {
    throw new HttpError(422, "Invalid request.\n\nbase_tree is not a valid tree oid");
  }
  let tree: string | undefined = baseTree ?? undefined;
  for (const [index, raw] of entries.entries()) {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const field = (name: string) => `tree[${index}].${name}`;
    const path = entry.path;
    const mode = entry.mode;
    if (
      typeof path !== "string" ||
      path === "" ||
      path.split("/").some((part) => part === "" || part === "." || part === "..")
    ) {
      throw validationFailed({ resource: "Tree", code: "invalid", field: field("path") });
    }
    if (typeof mode !== "string" || !(mode in MODES))
      throw validationFailed({ resource: "Tree", code: "invalid", field: field("mode") });
    const type = MODES[mode];
    if (entry.type !== undefined && entry.type !== type)
      throw validationFailed({ resource: "Tree", code: "invalid", field: field("type") });
    let oid: string | null;
    if (typeof entry.content === "string") {
      oid = await git.writeBlob(full, Buffer.from(entry.content, "utf8"));
    } else if (entry.sha === null) {
      oid = null;
    } else if (typeof entry.sha === "string" && SHA.test(entry.sha)) {
      if (type !== "commit" && (await git.objectType(full, entry.sha)) !== type) {
        throw new HttpError(422, `Invalid request.\n\n${field("sha")} ${entry.sha} is not a valid ${type}`);
      }
      oid = entry.sha;
    } else {
      throw validationFailed({ resource: "Tree", code: "missing_field", field: field("sha") });
    }
    tree = await git.withPath(
      full,
      tree,
      path,
      oid === null ? null : { mode: mode === "40000" ? "040000" : mode, oid, type },
    );
  }
  const sha = tree ?? (await git.writeTree(full, []));
  const reply = await renderTree(ctx, repo, sha, false);
  const url = `${repoApiUrl(ctx.emu, repo)}/git/trees/${sha}`;
  return { status: 201, body: reply, headers: { location: url } };
}

async function renderTree(ctx: RequestContext, repo: Repo, sha: string, recursive: boolean) {
  const full = fullNameOf(ctx, repo);
  const { git } = ctx.emu;
  const out: Array<ReturnType<typeof renderTreeEntry>> = [];
  const walk = async (oid: string, prefix: string) => {
    for (const entry of (await git.readTree(full, oid)) ?? []) {
      const path = prefix === "" ? entry.path : `${prefix}/${entry.path}`;
      const size = entry.type === "blob" ? ((await git.readBlob(full, entry.oid))?.length ?? 0) : undefined;
      out.push(renderTreeEntry(ctx.emu, repo, entry, path, size));
      if (recursive && entry.type === "tree") await walk(entry.oid, path);
    }
  };
  await walk(sha, "");
  return { sha, url: `${repoApiUrl(ctx.emu, repo)}/git/trees/${sha}`, tree: out, truncated: false };
}

async function getTree(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const full = fullNameOf(ctx, repo);
  const { git } = ctx.emu;
  let sha = ctx.params.tree_sha;
  const type = SHA.test(sha) ? await git.objectType(full, sha) : undefined;
  if (type === "commit") sha = (await git.readCommit(full, sha))?.tree ?? sha;
  else if (type !== "tree") {
    // GitHub also accepts a branch or tag name here.
    const commit = await git.resolveCommitish(full, sha);
    const tree = commit ? (await git.readCommit(full, commit))?.tree : undefined;
    if (!tree) throw notFound();
    sha = tree;
  }
  const recursive = ctx.query.get("recursive");
  return ok(
    await renderTree(
      ctx,
      repo,
      sha,
      recursive !== null && recursive !== "" && recursive !== "0" && recursive !== "false",
    ),
  );
}

async function createCommit(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const full = fullNameOf(ctx, repo);
  const { git } = ctx.emu;
  const body = bodyObject(ctx);
  const message = requiredString(body, "message", "Commit");
  const tree = requiredString(body, "tree", "Commit");
  if (!SHA.test(tree) || (await git.objectType(full, tree)) !== "tree") {
    throw new HttpError(422, "Tree SHA does not exist");
  }
  const parents = body.parents ?? [];
  if (!Array.isArray(parents) || parents.some((parent) => typeof parent !== "string")) {
    throw validationFailed({ resource: "Commit", code: "invalid", field: "parents" });
  }
  for (const parent of parents as string[]) {
    if (!SHA.test(parent) || (await git.objectType(full, parent)) !== "commit") {
      throw new HttpError(422, "Parent SHA does not exist or is not a commit object");
    }
  }
  const fallback = personOf(actorOf(ctx), ctx.emu.baseUrl, ctx.now);
  const author = personFromBody(body.author, "author", "Commit", fallback);
  const committer = personFromBody(body.committer, "committer", "Commit", author);
  const sha = await git.writeCommit(full, { message, tree, parents: parents as string[], author, committer });
  const commit = await git.readCommit(full, sha);
  const url = `${repoApiUrl(ctx.emu, repo)}/git/commits/${sha}`;
  return {
    status: 201,
    body: commit ? renderGitCommit(ctx.emu, repo, commit) : { sha },
    headers: { location: url },
  };
}

async function getCommit(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const sha = ctx.params.commit_sha;
  const commit = SHA.test(sha) ? await ctx.emu.git.readCommit(fullNameOf(ctx, repo), sha) : undefined;
  if (!commit) throw notFound();
  return ok(renderGitCommit(ctx.emu, repo, commit));
}

/** `heads/main` (the form routes take) → `refs/heads/main`. */
const fullRef = (ref: string) => (ref.startsWith("refs/") ? ref : `refs/${ref}`);

async function refObject(ctx: RequestContext, repo: Repo, ref: string, oid: string) {
  const type = (await ctx.emu.git.objectType(fullNameOf(ctx, repo), oid)) ?? "commit";
  return renderGitRef(ctx.emu, repo, ref, oid, type);
}

async function getRef(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const ref = fullRef(ctx.params.ref);
  const oid = await ctx.emu.git.resolveRef(fullNameOf(ctx, repo), ref);
  if (!oid || ref.split("/").length < 3) throw notFound();
  return ok(await refObject(ctx, repo, ref, oid));
}

async function matchingRefs(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const prefix = fullRef(ctx.params.ref ?? "");
  const refs = (await ctx.emu.git.listRefs(fullNameOf(ctx, repo), "refs/")).filter(({ ref }) =>
    ref.startsWith(prefix),
  );
  return ok(await Promise.all(refs.map(({ ref, oid }) => refObject(ctx, repo, ref, oid))));
}

/** The protection verdict for moving `ref` by `operation`, in the words GitHub uses for refs (422). */
function assertRefAllowed(ctx: RequestContext, repo: Repo, ref: string, operation: RefOperation): void {
  if (!ref.startsWith("refs/heads/")) return;
  const branch = ref.slice("refs/heads/".length);
  const refusal = protectionRefusal(repo.protections[branch], operation, {
    login: actorOf(ctx).login,
    isAdmin: roleOf(ctx.emu.state, ctx.principal, repo) === "admin",
  });
  if (refusal) throw new HttpError(422, refusal);
}

async function createRef(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const full = fullNameOf(ctx, repo);
  const body = bodyObject(ctx);
  const ref = requiredString(body, "ref", "Reference");
  const sha = requiredString(body, "sha", "Reference");
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) {
    throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
  }
  if (!SHA.test(sha) || !(await ctx.emu.git.objectType(full, sha)))
    throw new HttpError(422, "Object does not exist");
  return ctx.emu.locks.run(String(repo.id), async () => {
    if (!(await ctx.emu.git.compareAndSwapRef(full, ref, null, sha)))
      throw new HttpError(422, "Reference already exists");
    const url = `${repoApiUrl(ctx.emu, repo)}/git/${ref}`;
    return { status: 201, body: await refObject(ctx, repo, ref, sha), headers: { location: url } };
  });
}

async function updateRef(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const full = fullNameOf(ctx, repo);
  const { git } = ctx.emu;
  const ref = fullRef(ctx.params.ref);
  const body = bodyObject(ctx);
  const sha = requiredString(body, "sha", "Reference");
  const force = optionalBoolean(body, "force", "Reference") ?? false;
  if (!SHA.test(sha) || !(await git.objectType(full, sha))) throw new HttpError(422, "Object does not exist");
  return ctx.emu.locks.run(String(repo.id), async () => {
    const current = await git.resolveRef(full, ref);
    if (!current) throw new HttpError(422, "Reference does not exist");
    const fastForward = await git.isAncestor(full, current, sha);
    if (!fastForward && !force) throw new HttpError(422, "Update is not a fast forward");
    assertRefAllowed(ctx, repo, ref, fastForward ? "update" : "force");
    if (!(await git.compareAndSwapRef(full, ref, current, sha)))
      throw new HttpError(422, "Reference update failed");
    if (ref.startsWith("refs/heads/")) repo.pushedAt = ctx.now;
    return ok(await refObject(ctx, repo, ref, sha));
  });
}

async function deleteRef(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const full = fullNameOf(ctx, repo);
  const ref = fullRef(ctx.params.ref);
  return ctx.emu.locks.run(String(repo.id), async () => {
    const current = await ctx.emu.git.resolveRef(full, ref);
    if (!current) throw new HttpError(422, "Reference does not exist");
    assertRefAllowed(ctx, repo, ref, "delete");
    if (!(await ctx.emu.git.compareAndSwapRef(full, ref, current, null)))
      throw new HttpError(422, "Reference update failed");
    return noContent();
  });
}

export const gitDataRoutes: RouteDef[] = [
  { method: "POST", template: "/repos/{owner}/{repo}/git/blobs", handler: createBlob },
  { method: "GET", template: "/repos/{owner}/{repo}/git/blobs/{file_sha}", handler: getBlob },
  { method: "POST", template: "/repos/{owner}/{repo}/git/trees", handler: createTree },
  { method: "GET", template: "/repos/{owner}/{repo}/git/trees/{tree_sha}", handler: getTree },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/git/commits",
    handler: createCommit,
    contentCreating: true,
  },
  { method: "GET", template: "/repos/{owner}/{repo}/git/commits/{commit_sha}", handler: getCommit },
  { method: "GET", template: "/repos/{owner}/{repo}/git/ref/{ref}", handler: getRef },
  { method: "GET", template: "/repos/{owner}/{repo}/git/matching-refs/{ref}", handler: matchingRefs },
  // Legacy listings GitHub still answers (and @octokit/fixtures records): same arrays as matching-refs.
  { method: "GET", template: "/repos/{owner}/{repo}/git/refs", handler: matchingRefs },
  { method: "GET", template: "/repos/{owner}/{repo}/git/refs/{ref}", handler: matchingRefs },
  { method: "POST", template: "/repos/{owner}/{repo}/git/refs", handler: createRef },
  { method: "PATCH", template: "/repos/{owner}/{repo}/git/refs/{ref}", handler: updateRef },
  { method: "DELETE", template: "/repos/{owner}/{repo}/git/refs/{ref}", handler: deleteRef },
];
