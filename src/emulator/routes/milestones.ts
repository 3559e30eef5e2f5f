import { notFound, validationFailed } from "../http/http-error.js";
import { renderMilestone } from "../render/render-issue.js";
import { repoApiUrl } from "../render/render-repo.js";
import type { Milestone, Repo } from "../state/types.js";
import { paginate } from "./paginate.js";
import { bodyObject, numberParam, optionalString, optionalTime, requiredString } from "./request-body.js";
import { actorOf, created, noContent, ok, repoOf, sortParams } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

function milestoneOf(repo: Repo, number: number): Milestone {
  const milestone = repo.milestones.find((candidate) => candidate.number === number);
  if (!milestone) throw notFound();
  return milestone;
}

function stateOf(value: string | null | undefined): "open" | "closed" | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== "open" && value !== "closed") {
    throw validationFailed({ resource: "Milestone", code: "invalid", field: "state" });
  }
  return value;
}

function listMilestones(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const state = ctx.query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state)) {
    throw validationFailed({ resource: "Milestone", code: "invalid", field: "state" });
  }
  const { sort, direction } = sortParams(ctx, ["due_on", "completeness"] as const, {
    sort: "due_on",
    direction: "asc",
  });
  const rendered = repo.milestones
    .filter((milestone) => state === "all" || milestone.state === state)
    .map((milestone) => renderMilestone(ctx.emu, repo, milestone));
  const sign = direction === "asc" ? 1 : -1;
  const key = (milestone: (typeof rendered)[number]) => {
    if (sort === "completeness") {
      const total = milestone.open_issues + milestone.closed_issues;
      return total === 0 ? 0 : milestone.closed_issues / total;
    }
    // Milestones without a due date sort after those with one, as on GitHub.
    return milestone.due_on === null ? Number.MAX_SAFE_INTEGER : Date.parse(milestone.due_on);
  };
  rendered.sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
  const page = paginate(ctx, rendered);
  return ok(page.items, page.headers);
}

function getMilestone(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  return ok(renderMilestone(ctx.emu, repo, milestoneOf(repo, numberParam(ctx, "milestone_number"))));
}

function createMilestone(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const actor = actorOf(ctx);
  const body = bodyObject(ctx);
  const title = requiredString(body, "title", "Milestone");
  if (repo.milestones.some((milestone) => milestone.title === title)) {
    throw validationFailed({ resource: "Milestone", code: "already_exists", field: "title" });
  }
  const state = stateOf(optionalString(body, "state", "Milestone")) ?? "open";
  const milestone: Milestone = {
    id: ctx.emu.state.nextId(),
    number: repo.nextMilestoneNumber,
    title,
    description: optionalString(body, "description", "Milestone", true) ?? null,
    state,
    dueOn: optionalTime(body, "due_on", "Milestone") ?? null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    closedAt: state === "closed" ? ctx.now : null,
    creatorId: actor.id,
  };
  repo.nextMilestoneNumber += 1;
  repo.milestones.push(milestone);
  return created(
    renderMilestone(ctx.emu, repo, milestone),
    `${repoApiUrl(ctx.emu, repo)}/milestones/${milestone.number}`,
  );
}

function updateMilestone(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const milestone = milestoneOf(repo, numberParam(ctx, "milestone_number"));
  const body = bodyObject(ctx);
  const title = optionalString(body, "title", "Milestone");
  if (title !== undefined && title !== null) {
    if (title === "") throw validationFailed({ resource: "Milestone", code: "invalid", field: "title" });
    if (repo.milestones.some((other) => other !== milestone && other.title === title)) {
      throw validationFailed({ resource: "Milestone", code: "already_exists", field: "title" });
    }
    milestone.title = title;
  }
  const state = stateOf(optionalString(body, "state", "Milestone"));
  if (state !== undefined && state !== milestone.state) {
    milestone.state = state;
    milestone.closedAt = state === "closed" ? ctx.now : null;
  }
  const description = optionalString(body, "description", "Milestone", true);
  if (description !== undefined) milestone.description = description;
  const dueOn = optionalTime(body, "due_on", "Milestone");
  if (dueOn !== undefined) milestone.dueOn = dueOn;
  milestone.updatedAt = ctx.now;
  return ok(renderMilestone(ctx.emu, repo, milestone));
}

function deleteMilestone(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const milestone = milestoneOf(repo, numberParam(ctx, "milestone_number"));
  repo.milestones.splice(repo.milestones.indexOf(milestone), 1);
  for (const issue of repo.issues) {
    if (issue.milestoneNumber === milestone.number) issue.milestoneNumber = null;
  }
  return noContent();
}

export const milestoneRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/milestones", handler: listMilestones },
  {
    method: "POST",
    template: "/repos/{owner}/{repo}/milestones",
    handler: createMilestone,
    contentCreating: true,
  },
  { method: "GET", template: "/repos/{owner}/{repo}/milestones/{milestone_number}", handler: getMilestone },
  {
    method: "PATCH",
    template: "/repos/{owner}/{repo}/milestones/{milestone_number}",
    handler: updateMilestone,
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/milestones/{milestone_number}",
    handler: deleteMilestone,
  },
];
