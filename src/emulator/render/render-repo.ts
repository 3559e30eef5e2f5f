import type { Repo, RepoRole } from "../state/types.js";
import { REPO_ROLES } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";
import { renderSimpleUser } from "./render-user.js";

/** The `permissions` object of a repository for a caller holding `role`. */
export function renderPermissions(role: RepoRole | undefined) {
  const rank = role === undefined ? -1 : REPO_ROLES.indexOf(role);
  return {
    admin: rank >= REPO_ROLES.indexOf("admin"),
    maintain: rank >= REPO_ROLES.indexOf("maintain"),
    push: rank >= REPO_ROLES.indexOf("push"),
    triage: rank >= REPO_ROLES.indexOf("triage"),
    pull: rank >= REPO_ROLES.indexOf("pull"),
  };
}

/** The API URL of a repository (`<base>/repos/<owner>/<name>`). */
export function repoApiUrl(ctx: RenderContext, repo: Repo): string {
  return `${ctx.baseUrl}/repos/${ctx.state.fullName(repo)}`;
}

export function repoHtmlUrl(ctx: RenderContext, repo: Repo): string {
  return `${ctx.baseUrl}/${ctx.state.fullName(repo)}`;
}

/**
 * The `full-repository` shape (a superset of `repository` and `minimal-repository`), with the
 * caller's `permissions` when `role` is given.
 */
export function renderRepo(ctx: RenderContext, repo: Repo, options: { role?: RepoRole | null } = {}) {
  const owner = ctx.state.accountOf(repo.ownerId);
  const fullName = `${owner.login}/${repo.name}`;
  const url = repoApiUrl(ctx, repo);
  const html = repoHtmlUrl(ctx, repo);
  const openIssues = repo.issues.reduce((count, issue) => count + (issue.state === "open" ? 1 : 0), 0);
  const ownerJson = renderSimpleUser(ctx, owner);
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: ownerJson,
    html_url: html,
    description: repo.description,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: isoTime(repo.createdAt),
    updated_at: isoTime(repo.updatedAt),
    pushed_at: isoTime(repo.pushedAt ?? repo.createdAt),
    git_url: `${html.replace(/^http/, "git")}.git`,
    ssh_url: `git@${new URL(ctx.baseUrl).host}:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: repo.homepage,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: repo.archived,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    ...(options.role === undefined ? {} : { permissions: renderPermissions(options.role ?? undefined) }),
    temp_clone_token: "",
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_message: "COMMIT_MESSAGES",
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    merge_commit_message: "PR_TITLE",
    merge_commit_title: "MERGE_MESSAGE",
    ...(owner.type === "Organization" ? { organization: ownerJson } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}
