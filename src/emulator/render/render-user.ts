import type { Account } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";

/** The `simple-user` shape for a user, organisation or bot. */
export function renderSimpleUser(ctx: RenderContext, account: Account) {
  const users = `${ctx.baseUrl}/users/${encodeURIComponent(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${ctx.baseUrl}/avatars/u/${account.id}?v=4`,
    gravatar_id: "",
    url: users,
    html_url: `${ctx.baseUrl}/${account.type === "Bot" ? `apps/${account.login.replace(/\[bot\]$/, "")}` : encodeURIComponent(account.login)}`,
    followers_url: `${users}/followers`,
    following_url: `${users}/following{/other_user}`,
    gists_url: `${users}/gists{/gist_id}`,
    starred_url: `${users}/starred{/owner}{/repo}`,
    subscriptions_url: `${users}/subscriptions`,
    organizations_url: `${users}/orgs`,
    repos_url: `${users}/repos`,
    events_url: `${users}/events{/privacy}`,
    received_events_url: `${users}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: account.siteAdmin,
  };
}

/** `simple-user` for an id, or null when the id is null. */
export function renderUserRef(ctx: RenderContext, id: number | null) {
  return id === null ? null : renderSimpleUser(ctx, ctx.state.accountOf(id));
}

/** The `private-user` shape `GET /user` answers for the token's own user. */
export function renderPrivateUser(ctx: RenderContext, account: Account) {
  const ownedRepos = ctx.state.repos().filter((repo) => repo.ownerId === account.id);
  const privateRepos = ownedRepos.filter((repo) => repo.private).length;
  return {
    ...renderSimpleUser(ctx, account),
    name: account.name,
    company: null,
    blog: "",
    location: null,
    email: account.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: ownedRepos.length - privateRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: isoTime(account.createdAt),
    updated_at: isoTime(account.createdAt),
    private_gists: 0,
    total_private_repos: privateRepos,
    owned_private_repos: privateRepos,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
    plan: { name: "free", space: 976562499, collaborators: 0, private_repos: 10000 },
  };
}
