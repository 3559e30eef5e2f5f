import { protectionRulesFile } from "../git/branch-protection-rules.js";
import { HttpError, invalidRequest, notFound, validationFailed } from "../http/http-error.js";
import { protectionUrl, renderProtection, renderProtectionSummary } from "../render/render-branch.js";
import { renderCommit } from "../render/render-git.js";
import { repoApiUrl, repoHtmlUrl } from "../render/render-repo.js";
import type { Repo } from "../state/types.js";
import { paginate } from "./paginate.js";
import { normaliseProtection } from "./protection-body.js";
import { bodyObject } from "./request-body.js";
import { noContent, ok, repoOf } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

async function branchHead(ctx: RequestContext, repo: Repo, branch: string): Promise<string> {
  const head = await ctx.emu.git.resolveBranch(ctx.emu.state.fullName(repo), branch);
  if (!head) throw notFound("Branch not found");
  return head;
}

async function listBranches(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "read" });
  const onlyProtected = ctx.query.get("protected");
  const refs = await ctx.emu.git.listRefs(ctx.emu.state.fullName(repo), "refs/heads/");
  const branches = refs
    .map(({ ref, oid }) => ({ name: ref.slice("refs/heads/".length), oid }))
    .filter(({ name }) => {
      if (onlyProtected === "true") return repo.protections[name] !== undefined;
      if (onlyProtected === "false") return repo.protections[name] === undefined;
      return true;
    });
  const page = paginate(ctx, branches);
  return ok(
    page.items.map(({ name, oid }) => ({
      name,
      commit: { sha: oid, url: `${repoApiUrl(ctx.emu, repo)}/commits/${oid}` },
      protected: repo.protections[name] !== undefined,
      protection: renderProtectionSummary(repo.protections[name]),
      protection_url: protectionUrl(ctx.emu, repo, name),
    })),
    page.headers,
  );
}

async function getBranch(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "read" });
  const name = ctx.params.branch;
  const head = await branchHead(ctx, repo, name);
  const commit = await ctx.emu.git.readCommit(ctx.emu.state.fullName(repo), head);
  if (!commit) throw notFound("Branch not found");
  const protection = repo.protections[name];
  return ok({
    name,
    commit: renderCommit(ctx.emu, repo, commit),
    _links: {
      self: `${repoApiUrl(ctx.emu, repo)}/branches/${encodeURIComponent(name)}`,
      html: `${repoHtmlUrl(ctx.emu, repo)}/tree/${name}`,
    },
    protected: protection !== undefined,
    protection: renderProtectionSummary(protection),
    protection_url: protectionUrl(ctx.emu, repo, name),
  });
}

const ADMIN = { scope: "administration", level: "write", role: "admin" } as const;

function getProtection(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, { scope: "administration", level: "read", role: "admin" });
  const protection = repo.protections[ctx.params.branch];
  if (!protection) throw notFound("Branch not protected");
  return ok(renderProtection(ctx.emu, repo, ctx.params.branch, protection));
}

const REQUIRED_PROTECTION_KEYS = [
  "required_status_checks",
  "enforce_admins",
  "required_pull_request_reviews",
  "restrictions",
] as const;

async function putProtection(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, ADMIN);
  const branch = ctx.params.branch;
  await branchHead(ctx, repo, branch);
  const body = bodyObject(ctx);
  const missing = REQUIRED_PROTECTION_KEYS.filter((key) => !(key in body));
  if (missing.length > 0) {
    const names = missing.map((key) => `"${key}"`).join(", ");
    throw invalidRequest(`${names} ${missing.length === 1 ? "wasn't" : "weren't"} supplied.`);
  }
  const checks = body.required_status_checks;
  if (checks !== null && (typeof checks !== "object" || !("strict" in checks))) {
    throw invalidRequest('"strict" wasn\'t supplied.');
  }
  const protection = normaliseProtection(body);
  if (protection.restrictions !== null && ctx.emu.state.accountOf(repo.ownerId).type !== "Organization") {
    // GitHub: "User, app, and team restrictions are only available for organization-owned repositories."
    throw new HttpError(422, "Only organization repositories can have users and team restrictions");
  }
  const unknownApps = (protection.restrictions?.apps ?? []).filter(
    (slug) => ctx.emu.state.appBySlug(slug) === undefined,
  );
  if (unknownApps.length > 0) {
    throw validationFailed({ resource: "Restrictions", code: "invalid", field: "apps", value: unknownApps });
  }
  repo.protections[branch] = protection;
  await ctx.emu.git.writeProtectionRules(ctx.emu.state.fullName(repo), protectionRulesFile(repo));
  return ok(renderProtection(ctx.emu, repo, branch, protection));
}

async function deleteProtection(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, ADMIN);
  if (!repo.protections[ctx.params.branch]) throw notFound("Branch not protected");
  delete repo.protections[ctx.params.branch];
  await ctx.emu.git.writeProtectionRules(ctx.emu.state.fullName(repo), protectionRulesFile(repo));
  return noContent();
}

export const branchRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/branches", handler: listBranches },
  { method: "GET", template: "/repos/{owner}/{repo}/branches/{branch}", handler: getBranch },
  { method: "GET", template: "/repos/{owner}/{repo}/branches/{branch}/protection", handler: getProtection },
  { method: "PUT", template: "/repos/{owner}/{repo}/branches/{branch}/protection", handler: putProtection },
  {
    method: "DELETE",
    template: "/repos/{owner}/{repo}/branches/{branch}/protection",
    handler: deleteProtection,
  },
];
