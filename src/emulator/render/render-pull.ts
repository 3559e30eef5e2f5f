import type { Issue, PullRequest, Repo } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";
import { renderLabel, renderMilestone } from "./render-issue.js";
import { renderRepo, repoApiUrl, repoHtmlUrl } from "./render-repo.js";
import { renderSimpleUser, renderUserRef } from "./render-user.js";

/** What the pull request's branches point at now, and what merging would do; computed by the route. */
export interface PullLiveState {
  headSha: string;
  baseSha: string;
  mergeable: boolean | null;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** The `pull-request-simple` shape (lists). */
export function renderPullSimple(
  ctx: RenderContext,
  repo: Repo,
  issue: Issue,
  pull: PullRequest,
  live: PullLiveState,
) {
  const api = repoApiUrl(ctx, repo);
  const html = `${repoHtmlUrl(ctx, repo)}/pull/${pull.number}`;
  const url = `${api}/pulls/${pull.number}`;
  const owner = ctx.state.accountOf(repo.ownerId);
  const branch = (ref: string, sha: string) => ({
    label: `${owner.login}:${ref}`,
    ref,
    sha,
    user: renderSimpleUser(ctx, owner),
    repo: renderRepo(ctx, repo),
  });
  const milestone = repo.milestones.find((candidate) => candidate.number === issue.milestoneNumber);
  const assignees = issue.assigneeIds.map((id) => renderSimpleUser(ctx, ctx.state.accountOf(id)));
  return {
    url,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${live.headSha}`,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: renderUserRef(ctx, issue.userId),
    body: issue.body,
    labels: issue.labelIds
      .map((id) => repo.labels.find((label) => label.id === id))
      .filter((label) => label !== undefined)
      .map((label) => renderLabel(ctx, repo, label)),
    milestone: milestone ? renderMilestone(ctx, repo, milestone) : null,
    active_lock_reason: null,
    created_at: isoTime(issue.createdAt),
    updated_at: isoTime(issue.updatedAt),
    closed_at: isoTime(issue.closedAt),
    merged_at: isoTime(pull.mergedAt),
    merge_commit_sha: pull.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pull.headRef, live.headSha),
    base: branch(pull.baseRef, live.baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${live.headSha}` },
    },
    author_association: issue.authorAssociation,
    auto_merge: null,
    draft: pull.draft,
  };
}

/** The full `pull-request` shape (single pull requests). */
export function renderPull(
  ctx: RenderContext,
  repo: Repo,
  issue: Issue,
  pull: PullRequest,
  live: PullLiveState,
) {
  const mergeableState =
    pull.merged || issue.state === "closed" ? "unknown" : live.mergeable ? "clean" : "dirty";
  return {
    ...renderPullSimple(ctx, repo, issue, pull, live),
    merged: pull.merged,
    mergeable: pull.merged || issue.state === "closed" ? null : live.mergeable,
    rebaseable: pull.merged || issue.state === "closed" ? null : live.mergeable,
    mergeable_state: mergeableState,
    merged_by: renderUserRef(ctx, pull.mergedById),
    comments: issue.comments.length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: live.commits,
    additions: live.additions,
    deletions: live.deletions,
    changed_files: live.changedFiles,
  };
}
