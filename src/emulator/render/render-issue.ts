import type { Issue, IssueComment, IssueEvent, Label, Milestone, Repo } from "../state/types.js";
import { isoTime, nodeId, type RenderContext } from "./render-context.js";
import { repoApiUrl, repoHtmlUrl } from "./render-repo.js";
import { renderSimpleUser, renderUserRef } from "./render-user.js";

export function renderLabel(ctx: RenderContext, repo: Repo, label: Label) {
  return {
    id: label.id,
    node_id: nodeId("Label", label.id),
    url: `${repoApiUrl(ctx, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.isDefault,
    description: label.description,
  };
}

/** Open and closed issue counts of a milestone (pull requests count too, as on GitHub). */
function milestoneCounts(repo: Repo, number: number) {
  let open = 0;
  let closed = 0;
  for (const issue of repo.issues) {
    if (issue.milestoneNumber !== number) continue;
    if (issue.state === "open") open += 1;
    else closed += 1;
  }
  return { open, closed };
}

export function renderMilestone(ctx: RenderContext, repo: Repo, milestone: Milestone) {
  const url = `${repoApiUrl(ctx, repo)}/milestones/${milestone.number}`;
  const counts = milestoneCounts(repo, milestone.number);
  return {
    url,
    html_url: `${repoHtmlUrl(ctx, repo)}/milestone/${milestone.number}`,
    labels_url: `${url}/labels`,
    id: milestone.id,
    node_id: nodeId("Milestone", milestone.id),
    number: milestone.number,
    title: milestone.title,
    description: milestone.description,
    creator: renderUserRef(ctx, milestone.creatorId),
    open_issues: counts.open,
    closed_issues: counts.closed,
    state: milestone.state,
    created_at: isoTime(milestone.createdAt),
    updated_at: isoTime(milestone.updatedAt),
    due_on: isoTime(milestone.dueOn),
    closed_at: isoTime(milestone.closedAt),
  };
}

function milestoneJson(ctx: RenderContext, repo: Repo, number: number | null): string {
  if (number === null) return "null";
  const cache = ctx.state.cacheOf(repo).milestoneJson;
  let json = cache.get(number);
  if (json === undefined) {
    const milestone = repo.milestones.find((candidate) => candidate.number === number);
    json = milestone ? JSON.stringify(renderMilestone(ctx, repo, milestone)) : "null";
    cache.set(number, json);
  }
  return json;
}

/** Placeholder for the milestone in cached issue JSON; random so no user text can imitate it. */
const MILESTONE_SLOT = `\u0000milestone-${Math.random().toString(36).slice(2)}\u0000`;

/**
 * The `issue` shape as an object, rendered afresh: what a write answers must show the write, whatever
 * a list cached before it.
 */
export function renderIssue(ctx: RenderContext, repo: Repo, issue: Issue): Record<string, unknown> {
  const milestone = repo.milestones.find((candidate) => candidate.number === issue.milestoneNumber);
  return {
    ...issueObject(ctx, repo, issue),
    milestone: milestone ? renderMilestone(ctx, repo, milestone) : null,
  };
}

/**
 * The `issue` shape as UTF-8 JSON bytes, cached per issue until the repository next changes (the
 * state drops a repository's caches on every write), so a page of a list is a concatenation of
 * cached buffers: nothing is rendered, joined or encoded again. The milestone, whose counts cost a
 * pass over the issues, is rendered once per milestone and spliced in.
 */
export function renderIssueJson(ctx: RenderContext, repo: Repo, issue: Issue): Buffer {
  const cache = ctx.state.cacheOf(repo).issueJson;
  let bytes = cache.get(issue.number);
  if (bytes === undefined) {
    let json = JSON.stringify(issueObject(ctx, repo, issue));
    if (issue.milestoneNumber !== null) {
      json = json.replace(SLOT_JSON, () => milestoneJson(ctx, repo, issue.milestoneNumber));
    }
    bytes = Buffer.from(json);
    cache.set(issue.number, bytes);
  }
  return bytes;
}

/** A JSON array of already-serialised elements. */
export function jsonArray(elements: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  elements.forEach((element, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(element);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

const SLOT_JSON = JSON.stringify(MILESTONE_SLOT);

function issueObject(ctx: RenderContext, repo: Repo, issue: Issue) {
  const repoUrl = repoApiUrl(ctx, repo);
  const url = `${repoUrl}/issues/${issue.number}`;
  const html = `${repoHtmlUrl(ctx, repo)}/${issue.isPull ? "pull" : "issues"}/${issue.number}`;
  const labels = issue.labelIds
    .map((id) => repo.labels.find((label) => label.id === id))
    .filter((label): label is Label => label !== undefined)
    .map((label) => renderLabel(ctx, repo, label));
  const assignees = issue.assigneeIds.map((id) => renderSimpleUser(ctx, ctx.state.accountOf(id)));
  const pull = issue.isPull ? repo.pulls.find((candidate) => candidate.number === issue.number) : undefined;
  return {
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id: issue.id,
    node_id: nodeId(issue.isPull ? "PullRequest" : "Issue", issue.id),
    number: issue.number,
    title: issue.title,
    user: renderUserRef(ctx, issue.userId),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: issue.milestoneNumber === null ? null : MILESTONE_SLOT,
    comments: issue.comments.length,
    created_at: isoTime(issue.createdAt),
    updated_at: isoTime(issue.updatedAt),
    closed_at: isoTime(issue.closedAt),
    author_association: issue.authorAssociation,
    active_lock_reason: null,
    ...(issue.isPull
      ? {
          draft: pull?.draft ?? false,
          pull_request: {
            url: `${repoUrl}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: isoTime(pull?.mergedAt ?? null),
          },
        }
      : {}),
    body: issue.body,
    closed_by: renderUserRef(ctx, issue.closedById),
    reactions: emptyReactions(`${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}

export function emptyReactions(url: string) {
  return {
    url,
    total_count: 0,
    "+1": 0,
    "-1": 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

export function renderComment(ctx: RenderContext, repo: Repo, issue: Issue, comment: IssueComment) {
  const repoUrl = repoApiUrl(ctx, repo);
  return {
    url: `${repoUrl}/issues/comments/${comment.id}`,
    html_url: `${repoHtmlUrl(ctx, repo)}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${repoUrl}/issues/${issue.number}`,
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    user: renderUserRef(ctx, comment.userId),
    created_at: isoTime(comment.createdAt),
    updated_at: isoTime(comment.updatedAt),
    author_association: authorAssociationOf(ctx, repo, comment.userId),
    body: comment.body,
    reactions: emptyReactions(`${repoUrl}/issues/comments/${comment.id}/reactions`),
    performed_via_github_app: null,
  };
}

/** `issue-event`; with `withIssue` the repository-wide listing's embedded issue is included. */
export function renderEvent(
  ctx: RenderContext,
  repo: Repo,
  issue: Issue,
  event: IssueEvent,
  withIssue = false,
) {
  const repoUrl = repoApiUrl(ctx, repo);
  return {
    id: event.id,
    node_id: nodeId(eventNodeType(event.event), event.id),
    url: `${repoUrl}/issues/events/${event.id}`,
    actor: renderUserRef(ctx, event.actorId),
    event: event.event,
    commit_id: event.commitId ?? null,
    commit_url: event.commitId ? `${repoUrl}/commits/${event.commitId}` : null,
    created_at: isoTime(event.createdAt),
    ...(event.label ? { label: event.label } : {}),
    ...(event.milestone ? { milestone: event.milestone } : {}),
    ...(event.assigneeId === undefined
      ? {}
      : { assignee: renderUserRef(ctx, event.assigneeId), assigner: renderUserRef(ctx, event.actorId) }),
    ...(event.rename ? { rename: event.rename } : {}),
    ...(event.event === "closed" || event.event === "reopened"
      ? { state_reason: event.stateReason ?? null }
      : {}),
    performed_via_github_app: null,
    ...(withIssue ? { issue: renderIssue(ctx, repo, issue) } : {}),
  };
}

function eventNodeType(event: string): string {
  const words = event.split("_").map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join("")}Event`;
}

/** How GitHub describes a user's relation to a repository next to their issues and comments. */
export function authorAssociationOf(ctx: RenderContext, repo: Repo, userId: number) {
  if (userId === repo.ownerId) return "OWNER" as const;
  const owner = ctx.state.accountOf(repo.ownerId);
  const user = ctx.state.accountById(userId);
  if (user && owner.members?.[user.login.toLowerCase()]) return "MEMBER" as const;
  if (repo.collaborators[String(userId)]) return "COLLABORATOR" as const;
  return "NONE" as const;
}
