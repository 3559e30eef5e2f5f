import { assertAccess, setsIssueMetadata } from "../auth/repo-access.js";
import { notFound, validationFailed } from "../http/http-error.js";
import { authorAssociationOf, jsonArray, renderIssue, renderIssueJson } from "../render/render-issue.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { Issue, Repo } from "../state/types.js";
import { assigneesByLogin, IssueChanges, labelsByName } from "./issue-changes.js";
import { linkHeader, pageParams } from "./paginate.js";
import { bodyObject, numberParam, optionalString, optionalStringArray } from "./request-body.js";
import { actorOf, created, ok, repoOf, sinceParam, sortParams } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

const ISSUE_SORTS = ["created", "updated", "comments"] as const;
type IssueSort = (typeof ISSUE_SORTS)[number];

/** The repository's issues in one order, cached until the repository next changes. */
function sortedIssues(state: EmulatorState, repo: Repo, sort: IssueSort, direction: "asc" | "desc"): Issue[] {
  const cache = state.cacheOf(repo).sorted;
  const key = `${sort}:${direction}`;
  let sorted = cache.get(key);
  if (!sorted) {
    const sign = direction === "asc" ? 1 : -1;
    const value = (issue: Issue) =>
      sort === "created" ? issue.createdAt : sort === "updated" ? issue.updatedAt : issue.comments.length;
    sorted = [...repo.issues].sort((a, b) => sign * (value(a) - value(b) || a.number - b.number));
    cache.set(key, sorted);
  }
  return sorted;
}

/** The filter `GET /repos/{owner}/{repo}/issues` applies, built once per request. */
function issueFilter(ctx: RequestContext, repo: Repo): (issue: Issue) => boolean {
  const state = ctx.query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state)) {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "state" });
  }
  const since = sinceParam(ctx);
  const labelNames = (ctx.query.get("labels") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  const labelIds = labelNames.map(
    (name) => repo.labels.find((label) => label.name.toLowerCase() === name)?.id ?? -1,
  );
  const milestone = ctx.query.get("milestone");
  const assignee = ctx.query.get("assignee");
  const creator = ctx.query.get("creator");
  const accountId = (login: string) => ctx.emu.state.account(login)?.id ?? -1;
  const assigneeId =
    assignee === null || assignee === "*" || assignee === "none" ? undefined : accountId(assignee);
  const creatorId = creator === null ? undefined : accountId(creator);
  // Issue types are not modelled here: refused rather than silently ignored.
  if (ctx.query.get("type") !== null) {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "type" });
  }
  const mentioned = ctx.query.get("mentioned");
  const mention =
    mentioned === null
      ? undefined
      : new RegExp(`(^|[^A-Za-z0-9-])@${mentioned.replace(/[^A-Za-z0-9-]/g, "")}(?![A-Za-z0-9-])`, "i");
  let milestoneNumber: number | undefined;
  if (milestone !== null && milestone !== "*" && milestone !== "none") {
    if (!/^\d+$/.test(milestone))
      throw validationFailed({ resource: "Issue", code: "invalid", field: "milestone" });
    milestoneNumber = Number(milestone);
  }
  return (issue) => {
    if (state !== "all" && issue.state !== state) return false;
    if (since !== undefined && issue.updatedAt < since) return false;
    for (const id of labelIds) if (!issue.labelIds.includes(id)) return false;
    if (milestone === "*" && issue.milestoneNumber === null) return false;
    if (milestone === "none" && issue.milestoneNumber !== null) return false;
    if (milestoneNumber !== undefined && issue.milestoneNumber !== milestoneNumber) return false;
    if (assignee === "*" && issue.assigneeIds.length === 0) return false;
    if (assignee === "none" && issue.assigneeIds.length > 0) return false;
    if (assigneeId !== undefined && !issue.assigneeIds.includes(assigneeId)) return false;
    if (creatorId !== undefined && issue.userId !== creatorId) return false;
    if (
      mention !== undefined &&
      !mention.test(issue.body ?? "") &&
      !issue.comments.some((c) => mention.test(c.body))
    ) {
      return false;
    }
    return true;
  };
}

/** The query parameters that select and order issues (not the page): the key of a cached listing. */
const LISTING_PARAMS = [
  "state",
  "labels",
  "milestone",
  "assignee",
  "creator",
  "mentioned",
  "type",
  "since",
  "sort",
  "direction",
];

function listIssues(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const { sort, direction } = sortParams(ctx, ISSUE_SORTS, { sort: "created", direction: "desc" });
  const { perPage, page } = pageParams(ctx);
  // Paging through a listing filters the repository once, until the repository next changes.
  const cache = ctx.emu.state.cacheOf(repo).sorted;
  const key = `list?${LISTING_PARAMS.map((name) => `${name}=${ctx.query.get(name) ?? ""}`).join("&")}`;
  let matching = cache.get(key);
  if (!matching) {
    const matches = issueFilter(ctx, repo);
    matching = sortedIssues(ctx.emu.state, repo, sort, direction).filter(matches);
    cache.set(key, matching);
  }
  const pageItems = matching
    .slice((page - 1) * perPage, page * perPage)
    .map((issue) => renderIssueJson(ctx.emu, repo, issue));
  const link = linkHeader(ctx, matching.length, perPage, page);
  return { status: 200, json: jsonArray(pageItems), headers: link ? { link } : {} };
}

export function issueOf(repo: Repo, number: number): Issue {
  const issue = repo.issues[number - 1];
  if (!issue) throw notFound();
  return issue;
}

function getIssue(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  return { status: 200, json: renderIssueJson(ctx.emu, repo, issue) };
}

function milestoneNumberOf(repo: Repo, value: unknown): number | null {
  if (value === null) return null;
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !repo.milestones.some((milestone) => milestone.number === number)) {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "milestone" });
  }
  return number;
}

function createIssue(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "pull" });
  const actor = actorOf(ctx);
  const body = bodyObject(ctx);
  const title = body.title;
  if (title === undefined || title === null || title === "") {
    throw validationFailed({ resource: "Issue", code: "missing_field", field: "title" });
  }
  if (typeof title !== "string" && typeof title !== "number") {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "title" });
  }
  const text = optionalString(body, "body", "Issue", true) ?? null;
  // Labels, assignees and a milestone from someone without push access are dropped without a word.
  const metadata = setsIssueMetadata(ctx.emu.state, ctx.principal, repo);
  const labelNames = metadata ? labelNamesOf(body.labels) : [];
  const assigneeLogins = metadata ? (optionalStringArray(body, "assignees", "Issue") ?? []) : [];
  const single = metadata ? optionalString(body, "assignee", "Issue", true) : undefined;
  if (single) assigneeLogins.push(single);
  const milestone =
    body.milestone === undefined || !metadata ? null : milestoneNumberOf(repo, body.milestone);
  const assignees = assigneesByLogin(ctx.emu.state, assigneeLogins);
  const issue = newIssue(ctx.emu.state, repo, {
    title: String(title),
    body: text,
    userId: actor.id,
    now: ctx.now,
    isPull: false,
  });
  issue.authorAssociation = authorAssociationOf(ctx.emu, repo, actor.id);
  const changes = new IssueChanges(ctx.emu.state, repo, issue, actor, ctx.now);
  changes.addLabels(labelsByName(ctx.emu.state, repo, labelNames));
  changes.setMilestone(milestone);
  changes.setAssignees(assignees);
  return created(
    renderIssue(ctx.emu, repo, issue),
    `${ctx.emu.baseUrl}/repos/${ctx.emu.state.fullName(repo)}/issues/${issue.number}`,
  );
}

/** Appends a new issue (or pull request's issue half) with the next number. */
export function newIssue(
  state: EmulatorState,
  repo: Repo,
  fields: { title: string; body: string | null; userId: number; now: number; isPull: boolean },
): Issue {
  const issue: Issue = {
    id: state.nextId(),
    number: repo.issues.length + 1,
    title: fields.title,
    body: fields.body,
    userId: fields.userId,
    state: "open",
    stateReason: null,
    labelIds: [],
    milestoneNumber: null,
    assigneeIds: [],
    locked: false,
    createdAt: fields.now,
    updatedAt: fields.now,
    closedAt: null,
    closedById: null,
    isPull: fields.isPull,
    authorAssociation: "NONE",
    comments: [],
    events: [],
  };
  repo.issues.push(issue);
  return issue;
}

/** `labels` given as names or as `{ name }` objects (both accepted by GitHub). */
export function labelNamesOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw validationFailed({ resource: "Issue", code: "invalid", field: "labels" });
  return value.map((item) => {
    if (typeof item === "string") return item;
    if (typeof item === "object" && item !== null && typeof (item as { name?: unknown }).name === "string") {
      return (item as { name: string }).name;
    }
    throw validationFailed({ resource: "Issue", code: "invalid", field: "labels" });
  });
}

const STATE_REASONS = ["completed", "not_planned", "reopened", "duplicate"] as const;

function updateIssue(ctx: RequestContext): Reply {
  // Readers may edit and close their own issues; anything else needs triage.
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "pull" });
  const actor = actorOf(ctx);
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  if (issue.userId !== actor.id)
    assertAccess(ctx.emu.state, ctx.principal, repo, { scope: "issues", level: "write", role: "triage" });
  const metadata = setsIssueMetadata(ctx.emu.state, ctx.principal, repo);
  const body = bodyObject(ctx);
  const state = optionalString(body, "state", "Issue");
  if (state !== undefined && state !== "open" && state !== "closed") {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "state" });
  }
  const reason = optionalString(body, "state_reason", "Issue", true);
  if (reason !== undefined && reason !== null && !(STATE_REASONS as readonly string[]).includes(reason)) {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "state_reason" });
  }
  const title = body.title === undefined || body.title === null ? undefined : body.title;
  if (title !== undefined && (typeof title !== "string" || title === "") && typeof title !== "number") {
    throw validationFailed({ resource: "Issue", code: "invalid", field: "title" });
  }
  const text = optionalString(body, "body", "Issue", true);
  const milestone =
    body.milestone === undefined || !metadata ? undefined : milestoneNumberOf(repo, body.milestone);
  let assignees: string[] | undefined = metadata
    ? optionalStringArray(body, "assignees", "Issue")
    : undefined;
  const single = metadata ? optionalString(body, "assignee", "Issue", true) : undefined;
  if (assignees === undefined && single !== undefined) assignees = single === null ? [] : [single];
  const assigneeAccounts = assignees === undefined ? undefined : assigneesByLogin(ctx.emu.state, assignees);
  const labels =
    body.labels === undefined || !metadata
      ? undefined
      : labelsByName(ctx.emu.state, repo, labelNamesOf(body.labels));

  const changes = new IssueChanges(ctx.emu.state, repo, issue, actor, ctx.now);
  if (title !== undefined) changes.setTitle(String(title));
  if (text !== undefined) changes.setBody(text);
  if (labels !== undefined) changes.setLabels(labels);
  if (milestone !== undefined) changes.setMilestone(milestone);
  if (assigneeAccounts !== undefined) changes.setAssignees(assigneeAccounts);
  if (state !== undefined) {
    changes.setState(state, (reason ?? undefined) as Issue["stateReason"] | undefined);
  } else if (reason !== undefined && issue.state === "closed" && reason !== "reopened") {
    changes.setState("closed", reason as Issue["stateReason"]);
  }
  // Editing an issue always moves updated_at, even when nothing differed.
  issue.updatedAt = ctx.now;
  return ok(renderIssue(ctx.emu, repo, issue));
}

export const issueRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/issues", handler: listIssues },
  { method: "POST", template: "/repos/{owner}/{repo}/issues", handler: createIssue, contentCreating: true },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/{issue_number}", handler: getIssue },
  { method: "PATCH", template: "/repos/{owner}/{repo}/issues/{issue_number}", handler: updateIssue },
];
