import { holdsRole } from "../auth/repo-access.js";
import { HttpError, notFound } from "../http/http-error.js";
import { renderComment, renderEvent } from "../render/render-issue.js";
import { repoApiUrl } from "../render/render-repo.js";
import type { Issue, IssueComment, IssueEvent, Repo } from "../state/types.js";
import { issueOf } from "./issues.js";
import { paginate } from "./paginate.js";
import { bodyObject, numberParam, requiredString } from "./request-body.js";
import { actorOf, created, noContent, ok, repoOf, sinceParam, sortParams } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

function listIssueComments(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const since = sinceParam(ctx);
  const comments = issue.comments.filter((comment) => since === undefined || comment.updatedAt >= since);
  const page = paginate(ctx, comments);
  return ok(
    page.items.map((comment) => renderComment(ctx.emu, repo, issue, comment)),
    page.headers,
  );
}

function createComment(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "pull" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const actor = actorOf(ctx);
  // A locked conversation takes comments only from those with push access (triage for Apps).
  if (
    issue.locked &&
    !holdsRole(ctx.emu.state, ctx.principal, repo, ctx.principal.kind === "installation" ? "triage" : "push")
  ) {
    throw new HttpError(403, "Unable to create comment because issue is locked.");
  }
  const text = requiredString(bodyObject(ctx), "body", "IssueComment");
  const comment: IssueComment = {
    id: ctx.emu.state.nextId(),
    body: text,
    userId: actor.id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  issue.comments.push(comment);
  issue.updatedAt = ctx.now;
  return created(
    renderComment(ctx.emu, repo, issue, comment),
    `${repoApiUrl(ctx.emu, repo)}/issues/comments/${comment.id}`,
  );
}

/** Every comment of the repository with its issue (issues are few enough to scan). */
function allComments(repo: Repo): Array<{ issue: Issue; comment: IssueComment }> {
  return repo.issues.flatMap((issue) => issue.comments.map((comment) => ({ issue, comment })));
}

function findComment(repo: Repo, id: number) {
  const found = allComments(repo).find(({ comment }) => comment.id === id);
  if (!found) throw notFound();
  return found;
}

function listRepoComments(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const { sort, direction } = sortParams(ctx, ["created", "updated"] as const, {
    sort: "created",
    direction: "asc",
  });
  const since = sinceParam(ctx);
  const sign = direction === "asc" ? 1 : -1;
  const items = allComments(repo)
    .filter(({ comment }) => since === undefined || comment.updatedAt >= since)
    .sort(
      (a, b) =>
        sign *
        ((sort === "created"
          ? a.comment.createdAt - b.comment.createdAt
          : a.comment.updatedAt - b.comment.updatedAt) || a.comment.id - b.comment.id),
    );
  const page = paginate(ctx, items);
  return ok(
    page.items.map(({ issue, comment }) => renderComment(ctx.emu, repo, issue, comment)),
    page.headers,
  );
}

function getComment(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const { issue, comment } = findComment(repo, numberParam(ctx, "comment_id"));
  return ok(renderComment(ctx.emu, repo, issue, comment));
}

/** Others' comments are edited or deleted only by those with triage access; one's own always. */
function assertMayChange(ctx: RequestContext, repo: Repo, comment: IssueComment): void {
  const actor = actorOf(ctx);
  if (comment.userId !== actor.id && !holdsRole(ctx.emu.state, ctx.principal, repo, "triage")) {
    throw new HttpError(403, "Must have triage access to edit or delete another user's comment.");
  }
}

function updateComment(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "pull" });
  const { issue, comment } = findComment(repo, numberParam(ctx, "comment_id"));
  assertMayChange(ctx, repo, comment);
  comment.body = requiredString(bodyObject(ctx), "body", "IssueComment");
  comment.updatedAt = ctx.now;
  return ok(renderComment(ctx.emu, repo, issue, comment));
}

function deleteComment(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "pull" });
  const { issue, comment } = findComment(repo, numberParam(ctx, "comment_id"));
  assertMayChange(ctx, repo, comment);
  issue.comments.splice(issue.comments.indexOf(comment), 1);
  return noContent();
}

function listIssueEvents(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const page = paginate(ctx, issue.events);
  return ok(
    page.items.map((event) => renderEvent(ctx.emu, repo, issue, event)),
    page.headers,
  );
}

function allEvents(repo: Repo): Array<{ issue: Issue; event: IssueEvent }> {
  return repo.issues
    .flatMap((issue) => issue.events.map((event) => ({ issue, event })))
    .sort((a, b) => b.event.id - a.event.id);
}

function listRepoEvents(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const page = paginate(ctx, allEvents(repo));
  return ok(
    page.items.map(({ issue, event }) => renderEvent(ctx.emu, repo, issue, event, true)),
    page.headers,
  );
}

function getEvent(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const id = numberParam(ctx, "event_id");
  const found = allEvents(repo).find(({ event }) => event.id === id);
  if (!found) throw notFound();
  return ok(renderEvent(ctx.emu, repo, found.issue, found.event, true));
}

export const commentRoutes: RouteDef[] = [
  {
    method: "GET",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    handler: listIssueComments,
  },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    handler: createComment,
    contentCreating: true,
  },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/comments", handler: listRepoComments },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/comments/{comment_id}", handler: getComment },
  { method: "PATCH", template: "/repos/{owner}/{repo}/issues/comments/{comment_id}", handler: updateComment },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    handler: deleteComment,
  },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/{issue_number}/events", handler: listIssueEvents },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/events", handler: listRepoEvents },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/events/{event_id}", handler: getEvent },
];
