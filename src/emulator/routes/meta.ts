import { HttpError, notFound } from "../http/http-error.js";
import { primaryLimitOf } from "../http/rate-limiter.js";
import { isoTime } from "../render/render-context.js";
import { renderPrivateUser, renderSimpleUser } from "../render/render-user.js";
import { ok } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

function root(ctx: RequestContext): Reply {
  const base = ctx.emu.baseUrl;
  return ok({
    current_user_url: `${base}/user`,
    current_user_authorizations_html_url: `${base}/settings/connections/applications{/client_id}`,
    authorizations_url: `${base}/authorizations`,
    code_search_url: `${base}/search/code?q={query}{&page,per_page,sort,order}`,
    commit_search_url: `${base}/search/commits?q={query}{&page,per_page,sort,order}`,
    emails_url: `${base}/user/emails`,
    emojis_url: `${base}/emojis`,
    events_url: `${base}/events`,
    feeds_url: `${base}/feeds`,
    followers_url: `${base}/user/followers`,
    following_url: `${base}/user/following{/target}`,
    gists_url: `${base}/gists{/gist_id}`,
    hub_url: `${base}/hub`,
    issue_search_url: `${base}/search/issues?q={query}{&page,per_page,sort,order}`,
    issues_url: `${base}/issues`,
    keys_url: `${base}/user/keys`,
    label_search_url: `${base}/search/labels?q={query}&repository_id={repository_id}{&page,per_page}`,
    notifications_url: `${base}/notifications`,
    organization_url: `${base}/orgs/{org}`,
    organization_repositories_url: `${base}/orgs/{org}/repos{?type,page,per_page,sort}`,
    organization_teams_url: `${base}/orgs/{org}/teams`,
    public_gists_url: `${base}/gists/public`,
    rate_limit_url: `${base}/rate_limit`,
    repository_url: `${base}/repos/{owner}/{repo}`,
    repository_search_url: `${base}/search/repositories?q={query}{&page,per_page,sort,order}`,
    current_user_repositories_url: `${base}/user/repos{?type,page,per_page,sort}`,
    starred_url: `${base}/user/starred{/owner}{/repo}`,
    starred_gists_url: `${base}/gists/starred`,
    topic_search_url: `${base}/search/topics?q={query}{&page,per_page}`,
    user_url: `${base}/users/{user}`,
    user_organizations_url: `${base}/user/orgs`,
    user_repositories_url: `${base}/users/{user}/repos{?type,page,per_page,sort}`,
    user_search_url: `${base}/search/users?q={query}{&page,per_page,sort,order}`,
  });
}

/** `GET /rate_limit`: free against the primary limit, as on GitHub. */
function rateLimit(ctx: RequestContext): Reply {
  const limit = primaryLimitOf(ctx.emu.state.limits, ctx.principal);
  const headers = ctx.emu.rateLimiter.headers(ctx.principal.rateKey, limit, ctx.now);
  const core = {
    limit,
    used: Number(headers["x-ratelimit-used"]),
    remaining: Number(headers["x-ratelimit-remaining"]),
    reset: Number(headers["x-ratelimit-reset"]),
  };
  const idle = (size: number) => ({ limit: size, used: 0, remaining: size, reset: core.reset });
  return ok({
    resources: {
      core,
      search: idle(30),
      graphql: idle(5000),
      integration_manifest: idle(5000),
      code_search: idle(10),
    },
    rate: core,
  });
}

function currentUser(ctx: RequestContext): Reply {
  const { principal } = ctx;
  switch (principal.kind) {
    case "admin":
    case "user":
      return ok(renderPrivateUser(ctx.emu, principal.user));
    case "anonymous":
      throw new HttpError(401, "Requires authentication");
    default:
      throw new HttpError(403, "Resource not accessible by integration");
  }
}

function publicAccount(ctx: RequestContext, login: string, type?: "Organization") {
  const account = ctx.emu.state.account(login);
  if (!account || (type && account.type !== type)) throw notFound();
  return account;
}

function getUser(ctx: RequestContext): Reply {
  const account = publicAccount(ctx, ctx.params.username);
  const user = renderPrivateUser(ctx.emu, account);
  return ok({
    ...renderSimpleUser(ctx.emu, account),
    name: user.name,
    company: null,
    blog: "",
    location: null,
    email: user.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: user.public_repos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: user.created_at,
    updated_at: user.updated_at,
  });
}

function getOrg(ctx: RequestContext): Reply {
  const org = publicAccount(ctx, ctx.params.org, "Organization");
  const base = `${ctx.emu.baseUrl}/orgs/${org.login}`;
  const repos = ctx.emu.state.repos().filter((repo) => repo.ownerId === org.id);
  return ok({
    login: org.login,
    id: org.id,
    node_id: renderSimpleUser(ctx.emu, org).node_id,
    url: base,
    repos_url: `${base}/repos`,
    events_url: `${base}/events`,
    hooks_url: `${base}/hooks`,
    issues_url: `${base}/issues`,
    members_url: `${base}/members{/member}`,
    public_members_url: `${base}/public_members{/member}`,
    avatar_url: `${ctx.emu.baseUrl}/avatars/u/${org.id}?v=4`,
    description: null,
    name: org.name ?? org.login,
    ...(org.email === null ? {} : { email: org.email }),
    is_verified: false,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: repos.filter((repo) => !repo.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${ctx.emu.baseUrl}/${org.login}`,
    created_at: isoTime(org.createdAt),
    updated_at: isoTime(org.createdAt),
    archived_at: null,
    type: "Organization",
  });
}

export const metaRoutes: RouteDef[] = [
  { method: "GET", template: "/", handler: root },
  { method: "GET", template: "/rate_limit", handler: rateLimit, free: true },
  { method: "GET", template: "/user", handler: currentUser },
  { method: "GET", template: "/users/{username}", handler: getUser },
  { method: "GET", template: "/orgs/{org}", handler: getOrg },
];
