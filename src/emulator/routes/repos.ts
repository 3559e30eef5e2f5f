import { roleOf } from "../auth/repo-access.js";
import { HttpError, notFound, validationFailed } from "../http/http-error.js";
import { renderRepo, repoApiUrl } from "../render/render-repo.js";
import { createRepo } from "../repo-factory.js";
import type { Account, Repo } from "../state/types.js";
import { paginate } from "./paginate.js";
import { bodyObject, optionalBoolean, optionalString, requiredString } from "./request-body.js";
import { actorOf, created, noContent, ok, repoOf } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

function getRepo(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "metadata", level: "read" });
  return ok(renderRepo(ctx.emu, repo, { role: roleOf(ctx.emu.state, ctx.principal, repo) ?? null }));
}

function deleteRepo(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "administration", level: "write", role: "admin" });
  const { state, git } = ctx.emu;
  const fullName = state.fullName(repo);
  state.removeRepo(repo);
  return git.remove(fullName).then(() => noContent());
}

const VALID_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Creates a repository under `owner` from a create-repository body (shared by org and user routes). */
async function createFromBody(ctx: RequestContext, owner: Account): Promise<Reply> {
  const body = bodyObject(ctx);
  const name = requiredString(body, "name", "Repository");
  if (!VALID_NAME.test(name) || name === "." || name === "..") {
    throw validationFailed({
      resource: "Repository",
      code: "custom",
      field: "name",
      message: "name is invalid",
    });
  }
  if (ctx.emu.state.repo(owner.login, name)) {
    throw validationFailed({
      resource: "Repository",
      code: "custom",
      field: "name",
      message: "name already exists on this account",
    });
  }
  const visibility = optionalString(body, "visibility", "Repository");
  const isPrivate =
    optionalBoolean(body, "private", "Repository") ?? (visibility === "private" || visibility === "internal");
  const repo = await createRepo(ctx.emu, owner, {
    name,
    private: isPrivate,
    description: optionalString(body, "description", "Repository", true) ?? null,
    homepage: optionalString(body, "homepage", "Repository", true) ?? null,
    autoInit: optionalBoolean(body, "auto_init", "Repository") ?? false,
    author: actorOf(ctx),
    now: ctx.now,
  });
  if (ctx.principal.kind === "user" && owner.id !== ctx.principal.user.id) {
    repo.collaborators[String(ctx.principal.user.id)] = "admin";
  }
  return created(
    renderRepo(ctx.emu, repo, { role: roleOf(ctx.emu.state, ctx.principal, repo) ?? null }),
    repoApiUrl(ctx.emu, repo),
  );
}

function orgOf(ctx: RequestContext): Account {
  const org = ctx.emu.state.account(ctx.params.org);
  if (!org || org.type !== "Organization") throw notFound();
  return org;
}

function createOrgRepo(ctx: RequestContext): Promise<Reply> {
  const org = orgOf(ctx);
  const { principal } = ctx;
  switch (principal.kind) {
    case "admin":
      break;
    case "user": {
      if (!org.members?.[principal.user.login.toLowerCase()]) {
        throw new HttpError(
          403,
          "You need admin access to the organization before adding a repository to it.",
        );
      }
      break;
    }
    case "installation":
      if (principal.installation.accountId !== org.id || principal.permissions.administration !== "write") {
        throw new HttpError(403, "Resource not accessible by integration");
      }
      break;
    default:
      actorOf(ctx);
  }
  return createFromBody(ctx, org);
}

function createUserRepo(ctx: RequestContext): Promise<Reply> {
  if (ctx.principal.kind === "installation")
    throw new HttpError(403, "Resource not accessible by integration");
  return createFromBody(ctx, actorOf(ctx));
}

/** Repositories of `owner` the caller can see, optionally filtered by `type`, sorted like GitHub. */
function visibleRepos(ctx: RequestContext, repos: Repo[]): Repo[] {
  const type = ctx.query.get("type") ?? "all";
  const sort = ctx.query.get("sort") ?? "created";
  const direction = ctx.query.get("direction") ?? (sort === "full_name" ? "asc" : "desc");
  const sign = direction === "asc" ? 1 : -1;
  const { state } = ctx.emu;
  return repos
    .filter((repo) => roleOf(state, ctx.principal, repo) !== undefined)
    .filter((repo) => (type === "public" ? !repo.private : type === "private" ? repo.private : true))
    .sort((a, b) => {
      if (sort === "full_name") return sign * state.fullName(a).localeCompare(state.fullName(b));
      const key = sort === "updated" ? "updatedAt" : sort === "pushed" ? "pushedAt" : "createdAt";
      return sign * ((a[key] ?? 0) - (b[key] ?? 0) || a.id - b.id);
    });
}

function renderRepoList(ctx: RequestContext, repos: Repo[]): Reply {
  const page = paginate(ctx, visibleRepos(ctx, repos));
  return ok(
    page.items.map((repo) =>
      renderRepo(ctx.emu, repo, { role: roleOf(ctx.emu.state, ctx.principal, repo) ?? null }),
    ),
    page.headers,
  );
}

function listOrgRepos(ctx: RequestContext): Reply {
  const org = orgOf(ctx);
  return renderRepoList(
    ctx,
    ctx.emu.state.repos().filter((repo) => repo.ownerId === org.id),
  );
}

function listUserRepos(ctx: RequestContext): Reply {
  const user = ctx.emu.state.account(ctx.params.username);
  if (!user || user.type === "Organization") throw notFound();
  return renderRepoList(
    ctx,
    ctx.emu.state.repos().filter((repo) => repo.ownerId === user.id),
  );
}

/** `GET /user/repos`: every repository the authenticated user holds a role on. */
function listOwnRepos(ctx: RequestContext): Reply {
  if (ctx.principal.kind === "installation")
    throw new HttpError(403, "Resource not accessible by integration");
  const actor = actorOf(ctx);
  const { state } = ctx.emu;
  const repos = state.repos().filter((repo) => {
    if (ctx.principal.kind === "admin") return true;
    if (repo.ownerId === actor.id || repo.collaborators[String(actor.id)]) return true;
    return state.accountOf(repo.ownerId).members?.[actor.login.toLowerCase()] !== undefined;
  });
  return renderRepoList(ctx, repos);
}

export const repoRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}", handler: getRepo },
  { method: "DELETE", template: "/repos/{owner}/{repo}", handler: deleteRepo },
  { method: "POST", template: "/orgs/{org}/repos", handler: createOrgRepo, contentCreating: true },
  { method: "GET", template: "/orgs/{org}/repos", handler: listOrgRepos },
  { method: "POST", template: "/user/repos", handler: createUserRepo, contentCreating: true },
  { method: "GET", template: "/user/repos", handler: listOwnRepos },
  { method: "GET", template: "/users/{username}/repos", handler: listUserRepos },
];
