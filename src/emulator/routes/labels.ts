import { notFound, validationFailed } from "../http/http-error.js";
import { renderLabel } from "../render/render-issue.js";
import { repoApiUrl } from "../render/render-repo.js";
import type { Label, Repo } from "../state/types.js";
import { IssueChanges, labelsByName } from "./issue-changes.js";
import { issueOf, labelNamesOf } from "./issues.js";
import { paginate } from "./paginate.js";
import { bodyObject, numberParam, optionalString, requiredString } from "./request-body.js";
import { actorOf, created, noContent, ok, repoOf } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

function labelNamed(repo: Repo, name: string): Label | undefined {
  return repo.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
}

/** A label colour: six hex digits, a leading `#` tolerated as GitHub does. */
function colorOf(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const color = value.replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color))
    throw validationFailed({ resource: "Label", code: "invalid", field: "color" });
  return color;
}

function listLabels(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const page = paginate(ctx, repo.labels);
  return ok(
    page.items.map((label) => renderLabel(ctx.emu, repo, label)),
    page.headers,
  );
}

function getLabel(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const label = labelNamed(repo, ctx.params.name);
  if (!label) throw notFound();
  return ok(renderLabel(ctx.emu, repo, label));
}

function createLabel(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const body = bodyObject(ctx);
  const name = requiredString(body, "name", "Label").trim();
  const color = colorOf(optionalString(body, "color", "Label", true)) ?? "ededed";
  const description = optionalString(body, "description", "Label", true) ?? null;
  if (labelNamed(repo, name))
    throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
  const label: Label = { id: ctx.emu.state.nextId(), name, color, description, isDefault: false };
  repo.labels.push(label);
  return created(
    renderLabel(ctx.emu, repo, label),
    `${repoApiUrl(ctx.emu, repo)}/labels/${encodeURIComponent(label.name)}`,
  );
}

function updateLabel(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const label = labelNamed(repo, ctx.params.name);
  if (!label) throw notFound();
  const body = bodyObject(ctx);
  const newName = optionalString(body, "new_name", "Label")?.trim();
  const color = colorOf(optionalString(body, "color", "Label", true));
  const description = optionalString(body, "description", "Label", true);
  if (newName !== undefined && newName !== "") {
    const clash = labelNamed(repo, newName);
    if (clash && clash !== label)
      throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
    label.name = newName;
  }
  if (color !== undefined) label.color = color;
  if (description !== undefined) label.description = description;
  return ok(renderLabel(ctx.emu, repo, label));
}

function deleteLabel(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write" });
  const label = labelNamed(repo, ctx.params.name);
  if (!label) throw notFound();
  repo.labels.splice(repo.labels.indexOf(label), 1);
  for (const issue of repo.issues) {
    const index = issue.labelIds.indexOf(label.id);
    if (index !== -1) issue.labelIds.splice(index, 1);
  }
  return noContent();
}

function issueLabels(ctx: RequestContext, repo: Repo, labelIds: number[]) {
  return labelIds
    .map((id) => repo.labels.find((label) => label.id === id))
    .filter((label): label is Label => label !== undefined)
    .map((label) => renderLabel(ctx.emu, repo, label));
}

function listIssueLabels(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "read" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const page = paginate(ctx, issueLabels(ctx, repo, issue.labelIds));
  return ok(page.items, page.headers);
}

/** The label names of an add/set body: `{ labels: [...] }`, a bare array, or `{ labels: [{ name }] }`. */
function requestedLabelNames(ctx: RequestContext): string[] {
  if (Array.isArray(ctx.body)) return labelNamesOf(ctx.body);
  const body = bodyObject(ctx);
  if (body.labels === undefined)
    throw validationFailed({ resource: "Label", code: "missing_field", field: "labels" });
  return labelNamesOf(body.labels);
}

function addIssueLabels(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "triage" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const labels = labelsByName(ctx.emu.state, repo, requestedLabelNames(ctx));
  new IssueChanges(ctx.emu.state, repo, issue, actorOf(ctx), ctx.now).addLabels(labels);
  return ok(issueLabels(ctx, repo, issue.labelIds));
}

function setIssueLabels(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "triage" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const labels = labelsByName(ctx.emu.state, repo, requestedLabelNames(ctx));
  new IssueChanges(ctx.emu.state, repo, issue, actorOf(ctx), ctx.now).setLabels(labels);
  return ok(issueLabels(ctx, repo, issue.labelIds));
}

function removeIssueLabel(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "triage" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  const label = labelNamed(repo, ctx.params.name);
  if (!label || !issue.labelIds.includes(label.id)) throw notFound("Label does not exist");
  new IssueChanges(ctx.emu.state, repo, issue, actorOf(ctx), ctx.now).removeLabel(label);
  return ok(issueLabels(ctx, repo, issue.labelIds));
}

function removeAllIssueLabels(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "issues", level: "write", role: "triage" });
  const issue = issueOf(repo, numberParam(ctx, "issue_number"));
  new IssueChanges(ctx.emu.state, repo, issue, actorOf(ctx), ctx.now).setLabels([]);
  return noContent();
}

export const labelRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/labels", handler: listLabels },
  { method: "POST", template: "/repos/{owner}/{repo}/labels", handler: createLabel, contentCreating: true },
  { method: "GET", template: "/repos/{owner}/{repo}/labels/{name}", handler: getLabel },
  { method: "PATCH", template: "/repos/{owner}/{repo}/labels/{name}", handler: updateLabel },
  { method: "DELETE", template: "/repos/{owner}/{repo}/labels/{name}", handler: deleteLabel },
  { method: "GET", template: "/repos/{owner}/{repo}/issues/{issue_number}/labels", handler: listIssueLabels },
  { method: "POST", template: "/repos/{owner}/{repo}/issues/{issue_number}/labels", handler: addIssueLabels },
  { method: "PUT", template: "/repos/{owner}/{repo}/issues/{issue_number}/labels", handler: setIssueLabels },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    handler: removeAllIssueLabels,
  },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    handler: removeIssueLabel,
  },
];
