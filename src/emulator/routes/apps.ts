import { randomBytes } from "node:crypto";
import { installationCovers, roleOf } from "../auth/repo-access.js";
import type { Principal } from "../auth/principal.js";
import { HttpError, notFound, validationFailed } from "../http/http-error.js";
import { renderApp, renderInstallation } from "../render/render-app.js";
import { isoTime } from "../render/render-context.js";
import { renderRepo } from "../render/render-repo.js";
import type { App, AppPermissions, Installation, PermissionLevel, Repo } from "../state/types.js";
import { paginate } from "./paginate.js";
import { bodyObject, numberParam } from "./request-body.js";
import { noContent, ok } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

/** The App a JWT authenticated; every `/app` route requires one. */
function appOf(ctx: RequestContext): App {
  if (ctx.principal.kind !== "app") throw new HttpError(401, "A JSON web token could not be decoded");
  return ctx.principal.app;
}

function installationOfApp(ctx: RequestContext, app: App): Installation {
  const installation = ctx.emu.state.installation(numberParam(ctx, "installation_id"));
  if (!installation || installation.appId !== app.id) throw notFound();
  return installation;
}

/** The repositories an installation can reach. */
export function installationRepos(ctx: RequestContext, installation: Installation): Repo[] {
  return ctx.emu.state.repos().filter((repo) => installationCovers(installation, repo));
}

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

function createAccessToken(ctx: RequestContext): Reply {
  const app = appOf(ctx);
  const installation = installationOfApp(ctx, app);
  if (installation.suspendedAt !== null) throw new HttpError(403, "This installation has been suspended");
  const body = bodyObject(ctx);
  const reachable = installationRepos(ctx, installation);
  let narrowed: Repo[] | undefined;
  const names = body.repositories;
  const ids = body.repository_ids;
  if (names !== undefined || ids !== undefined) {
    if (
      (names !== undefined && (!Array.isArray(names) || names.some((name) => typeof name !== "string"))) ||
      (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== "number")))
    ) {
      throw validationFailed({ resource: "InstallationAccessToken", code: "invalid", field: "repositories" });
    }
    const account = ctx.emu.state.accountOf(installation.accountId);
    const wanted = [
      ...((names as string[] | undefined) ?? []).map((name) => ctx.emu.state.repo(account.login, name)),
      ...((ids as number[] | undefined) ?? []).map((id) => ctx.emu.state.repoById(id)),
    ];
    if (wanted.some((repo) => repo === undefined || !reachable.includes(repo))) {
      throw new HttpError(
        422,
        "There is at least one repository that does not exist or is not accessible to the parent installation.",
      );
    }
    narrowed = [...new Set(wanted as Repo[])];
  }
  let permissions: AppPermissions = installation.permissions;
  if (body.permissions !== undefined) {
    if (typeof body.permissions !== "object" || body.permissions === null) {
      throw validationFailed({ resource: "InstallationAccessToken", code: "invalid", field: "permissions" });
    }
    const requested = body.permissions as Record<string, unknown>;
    for (const [name, level] of Object.entries(requested)) {
      const granted = installation.permissions[name];
      if (
        typeof level !== "string" ||
        !(level in LEVELS) ||
        granted === undefined ||
        LEVELS[level as PermissionLevel] > LEVELS[granted]
      ) {
        throw new HttpError(422, "The permissions requested are not granted to this installation.");
      }
    }
    permissions = requested as AppPermissions;
  }
  const token = `ghs_${randomBytes(18).toString("hex")}`;
  const expiresAt = ctx.now + 3_600_000;
  ctx.emu.state.pruneExpiredTokens(ctx.now);
  ctx.emu.state.addToken({
    token,
    kind: "installation",
    installationId: installation.id,
    repositoryIds: narrowed?.map((repo) => repo.id),
    permissions,
    expiresAt,
    createdAt: ctx.now,
  });
  return {
    status: 201,
    body: {
      token,
      expires_at: isoTime(expiresAt),
      permissions,
      repository_selection: narrowed ? "selected" : installation.repositorySelection,
      ...(narrowed ? { repositories: narrowed.map((repo) => renderRepo(ctx.emu, repo)) } : {}),
    },
  };
}

function findInstallation(ctx: RequestContext, app: App, accountId: number, repo?: Repo): Reply {
  const installation = ctx.emu.state
    .installations()
    .find(
      (candidate) =>
        candidate.appId === app.id &&
        candidate.accountId === accountId &&
        (repo === undefined || installationCovers(candidate, repo)),
    );
  if (!installation) throw notFound();
  return ok(renderInstallation(ctx.emu, installation));
}

function accountInstallation(ctx: RequestContext, login: string): Reply {
  const app = appOf(ctx);
  const account = ctx.emu.state.account(login);
  if (!account) throw notFound();
  return findInstallation(ctx, app, account.id);
}

function repoInstallation(ctx: RequestContext): Reply {
  const app = appOf(ctx);
  const repo = ctx.emu.state.repo(ctx.params.owner, ctx.params.repo);
  if (!repo) throw notFound();
  return findInstallation(ctx, app, repo.ownerId, repo);
}

function listInstallationRepos(ctx: RequestContext): Reply {
  const principal: Principal = ctx.principal;
  if (principal.kind !== "installation") {
    throw new HttpError(
      403,
      "You must authenticate with an installation access token in order to list repositories for an installation.",
    );
  }
  const repos = installationRepos(ctx, principal.installation).filter(
    (repo) => principal.repositoryIds === "all" || principal.repositoryIds.has(repo.id),
  );
  const page = paginate(ctx, repos);
  return ok(
    {
      total_count: repos.length,
      repository_selection: principal.repositoryIds === "all" ? "all" : "selected",
      repositories: page.items.map((repo) =>
        renderRepo(ctx.emu, repo, { role: roleOf(ctx.emu.state, principal, repo) ?? null }),
      ),
    },
    page.headers,
  );
}

function revokeInstallationToken(ctx: RequestContext): Reply {
  const principal = ctx.principal;
  if (principal.kind !== "installation") throw new HttpError(401, "Bad credentials");
  principal.token.expiresAt = ctx.now - 1;
  return noContent();
}

export const appRoutes: RouteDef[] = [
  { method: "GET", template: "/app", handler: (ctx) => ok(renderApp(ctx.emu, appOf(ctx))) },
  {
    method: "GET",
    template: "/app/installations",
    handler: (ctx) => {
      const app = appOf(ctx);
      const page = paginate(
        ctx,
        ctx.emu.state.installations().filter((installation) => installation.appId === app.id),
      );
      return ok(
        page.items.map((installation) => renderInstallation(ctx.emu, installation)),
        page.headers,
      );
    },
  },
  {
    method: "GET",
    template: "/app/installations/{installation_id}",
    handler: (ctx) => ok(renderInstallation(ctx.emu, installationOfApp(ctx, appOf(ctx)))),
  },
  {
    method: "POST",
    template: "/app/installations/{installation_id}/access_tokens",
    handler: createAccessToken,
  },
  // Suspending an installation (as the App can on GitHub): no new tokens, existing ones refused.
  {
    method: "PUT",
    template: "/app/installations/{installation_id}/suspended",
    handler: (ctx) => {
      const installation = installationOfApp(ctx, appOf(ctx));
      installation.suspendedAt ??= ctx.now;
      installation.updatedAt = ctx.now;
      return noContent();
    },
  },
  {
    method: "DELETE",
    template: "/app/installations/{installation_id}/suspended",
    handler: (ctx) => {
      const installation = installationOfApp(ctx, appOf(ctx));
      installation.suspendedAt = null;
      installation.updatedAt = ctx.now;
      return noContent();
    },
  },
  { method: "GET", template: "/repos/{owner}/{repo}/installation", handler: repoInstallation },
  {
    method: "GET",
    template: "/orgs/{org}/installation",
    handler: (ctx) => accountInstallation(ctx, ctx.params.org),
  },
  {
    method: "GET",
    template: "/users/{username}/installation",
    handler: (ctx) => accountInstallation(ctx, ctx.params.username),
  },
  { method: "GET", template: "/installation/repositories", handler: listInstallationRepos },
  { method: "DELETE", template: "/installation/token", handler: revokeInstallationToken },
];
