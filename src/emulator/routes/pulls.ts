import { roleOf } from "../auth/repo-access.js";
import { HttpError, notFound, validationFailed } from "../http/http-error.js";
import { renderPull, renderPullSimple, type PullLiveState } from "../render/render-pull.js";
import { repoApiUrl } from "../render/render-repo.js";
import type { Issue, PullRequest, Repo } from "../state/types.js";
import { personOf } from "./commit-identity.js";
import { IssueChanges } from "./issue-changes.js";
import { newIssue } from "./issues.js";
import { paginate } from "./paginate.js";
import { bodyObject, numberParam, optionalBoolean, optionalString, requiredString } from "./request-body.js";
import { actorOf, noContent, ok, repoOf, sortParams } from "./route-helpers.js";
import type { Reply, RequestContext, RouteDef } from "./route-types.js";

const READ = { scope: "pull_requests", level: "read" } as const;
const WRITE = { scope: "pull_requests", level: "write", role: "pull" } as const;

function pullOf(repo: Repo, number: number): { pull: PullRequest; issue: Issue } {
  const pull = repo.pulls.find((candidate) => candidate.number === number);
  const issue = repo.issues[number - 1];
  if (!pull || !issue) throw notFound();
  return { pull, issue };
}

/** `owner:branch` or `branch` → the branch name in this repository (forks are not modelled). */
function branchName(ctx: RequestContext, repo: Repo, value: string): string {
  const colon = value.indexOf(":");
  if (colon === -1) return value;
  const owner = ctx.emu.state.accountOf(repo.ownerId).login;
  if (value.slice(0, colon).toLowerCase() !== owner.toLowerCase()) {
    throw validationFailed({ resource: "PullRequest", code: "invalid", field: "head" });
  }
  return value.slice(colon + 1);
}

/** What the branches point at now and whether the head merges cleanly into the base. */
async function liveState(
  ctx: RequestContext,
  repo: Repo,
  pull: PullRequest,
  withStats: boolean,
): Promise<PullLiveState> {
  const { git } = ctx.emu;
  const full = ctx.emu.state.fullName(repo);
  const headSha = (!pull.merged && (await git.resolveBranch(full, pull.headRef))) || pull.headSha;
  const baseSha = (await git.resolveBranch(full, pull.baseRef)) ?? pull.baseSha;
  let mergeable: boolean | null = null;
  const stats = { commits: 0, additions: 0, deletions: 0, changedFiles: 0 };
  if (!pull.merged) mergeable = (await git.mergeTree(full, baseSha, headSha)) !== undefined;
  if (withStats) {
    const since = pull.merged ? pull.baseSha : baseSha;
    stats.commits = (await git.commitsBetween(full, since, headSha)).length;
    const numstat = await git.git(full, ["diff", "--numstat", `${since}...${headSha}`]).catch(() => "");
    for (const line of numstat.split("\n").filter((row) => row !== "")) {
      const [added, removed] = line.split("\t");
      stats.additions += Number(added) || 0;
      stats.deletions += Number(removed) || 0;
      stats.changedFiles += 1;
    }
  }
  return { headSha, baseSha, mergeable, ...stats };
}

async function createPull(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, WRITE);
  const actor = actorOf(ctx);
  const body = bodyObject(ctx);
  const title = requiredString(body, "title", "PullRequest");
  const head = branchName(ctx, repo, requiredString(body, "head", "PullRequest"));
  const base = requiredString(body, "base", "PullRequest");
  const { git, state } = ctx.emu;
  const full = state.fullName(repo);
  const headSha = await git.resolveBranch(full, head);
  const baseSha = await git.resolveBranch(full, base);
  if (!baseSha) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "base" });
  if (!headSha) throw validationFailed({ resource: "PullRequest", code: "invalid", field: "head" });
  const owner = state.accountOf(repo.ownerId).login;
  const open = repo.pulls.find(
    (pull) =>
      pull.headRef === head && pull.baseRef === base && repo.issues[pull.number - 1]?.state === "open",
  );
  if (open) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${owner}:${head}.`,
    });
  }
  if ((await git.commitsBetween(full, baseSha, headSha)).length === 0) {
    throw validationFailed({
      resource: "PullRequest",
      code: "custom",
      message: `No commits between ${base} and ${head}`,
    });
  }
  const issue = newIssue(state, repo, {
    title,
    body: optionalString(body, "body", "PullRequest", true) ?? null,
    userId: actor.id,
    now: ctx.now,
    isPull: true,
  });
  issue.authorAssociation = roleOf(state, ctx.principal, repo) === "admin" ? "OWNER" : "CONTRIBUTOR";
  const pull: PullRequest = {
    number: issue.number,
    id: state.nextId(),
    headRef: head,
    baseRef: base,
    headSha,
    baseSha,
    draft: optionalBoolean(body, "draft", "PullRequest") ?? false,
    maintainerCanModify: optionalBoolean(body, "maintainer_can_modify", "PullRequest") ?? false,
    merged: false,
    mergedAt: null,
    mergedById: null,
    mergeCommitSha: null,
  };
  repo.pulls.push(pull);
  const live = await liveState(ctx, repo, pull, true);
  return {
    status: 201,
    body: renderPull(ctx.emu, repo, issue, pull, live),
    headers: { location: `${repoApiUrl(ctx.emu, repo)}/pulls/${pull.number}` },
  };
}

async function getPull(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const { pull, issue } = pullOf(repo, numberParam(ctx, "pull_number"));
  return ok(renderPull(ctx.emu, repo, issue, pull, await liveState(ctx, repo, pull, true)));
}

async function listPulls(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, READ);
  const state = ctx.query.get("state") ?? "open";
  if (!["open", "closed", "all"].includes(state))
    throw validationFailed({ resource: "PullRequest", code: "invalid", field: "state" });
  const head = ctx.query.get("head");
  const headRef = head === null ? undefined : branchName(ctx, repo, head);
  const base = ctx.query.get("base");
  const { sort, direction } = sortParams(ctx, ["created", "updated", "popularity", "long-running"] as const, {
    sort: "created",
    direction: "desc",
  });
  const sign = direction === "asc" ? 1 : -1;
  const matches = repo.pulls
    .map((pull) => ({ pull, issue: repo.issues[pull.number - 1] }))
    .filter(
      ({ pull, issue }) =>
        (state === "all" || issue.state === state) &&
        (headRef === undefined || pull.headRef === headRef) &&
        (base === null || pull.baseRef === base),
    )
    .sort(
      (a, b) =>
        sign *
        ((sort === "updated"
          ? a.issue.updatedAt - b.issue.updatedAt
          : a.issue.createdAt - b.issue.createdAt) || a.pull.number - b.pull.number),
    );
  const page = paginate(ctx, matches);
  const rendered = [];
  for (const { pull, issue } of page.items) {
    rendered.push(renderPullSimple(ctx.emu, repo, issue, pull, await liveState(ctx, repo, pull, false)));
  }
  return ok(rendered, page.headers);
}

async function updatePull(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { ...WRITE, role: "triage" });
  const { pull, issue } = pullOf(repo, numberParam(ctx, "pull_number"));
  const body = bodyObject(ctx);
  const changes = new IssueChanges(ctx.emu.state, repo, issue, actorOf(ctx), ctx.now);
  const title = optionalString(body, "title", "PullRequest");
  if (title) changes.setTitle(title);
  const text = optionalString(body, "body", "PullRequest", true);
  if (text !== undefined) changes.setBody(text);
  const state = optionalString(body, "state", "PullRequest");
  if (state !== undefined && state !== null) {
    if (state !== "open" && state !== "closed")
      throw validationFailed({ resource: "PullRequest", code: "invalid", field: "state" });
    if (pull.merged && state === "open")
      throw validationFailed({
        resource: "PullRequest",
        code: "custom",
        field: "state",
        message: "state cannot be changed. The pull request has been merged.",
      });
    changes.setState(state, undefined);
    if (state === "open") issue.stateReason = null;
  }
  const base = optionalString(body, "base", "PullRequest");
  if (base) {
    if (!(await ctx.emu.git.resolveBranch(ctx.emu.state.fullName(repo), base))) {
      throw validationFailed({ resource: "PullRequest", code: "invalid", field: "base" });
    }
    pull.baseRef = base;
  }
  issue.updatedAt = ctx.now;
  return ok(renderPull(ctx.emu, repo, issue, pull, await liveState(ctx, repo, pull, true)));
}

async function mergePull(ctx: RequestContext): Promise<Reply> {
  const repo = repoOf(ctx, { scope: "contents", level: "write" });
  const actor = actorOf(ctx);
  const { pull, issue } = pullOf(repo, numberParam(ctx, "pull_number"));
  const body = bodyObject(ctx);
  const method = optionalString(body, "merge_method", "PullRequest") ?? "merge";
  if (method === "rebase") throw new HttpError(405, "Rebase merges are not allowed on this repository.");
  if (method !== "merge" && method !== "squash")
    throw validationFailed({ resource: "PullRequest", code: "invalid", field: "merge_method" });
  const expectedSha = optionalString(body, "sha", "PullRequest");
  const { git, state, locks } = ctx.emu;
  const full = state.fullName(repo);
  return locks.run(String(repo.id), async () => {
    if (pull.merged || issue.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
    const headSha = await git.resolveBranch(full, pull.headRef);
    const baseSha = await git.resolveBranch(full, pull.baseRef);
    if (!headSha || !baseSha) throw new HttpError(405, "Pull Request is not mergeable");
    if (expectedSha && expectedSha !== headSha) {
      throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    }
    const tree = await git.mergeTree(full, baseSha, headSha);
    if (!tree) throw new HttpError(405, "Pull Request is not mergeable");
    const person = personOf(actor, ctx.emu.baseUrl, ctx.now);
    const owner = state.accountOf(repo.ownerId).login;
    const titleLine = optionalString(body, "commit_title", "PullRequest");
    const extra = optionalString(body, "commit_message", "PullRequest");
    let message: string;
    let parents: string[];
    if (method === "squash") {
      const messages: string[] = [];
      for (const sha of (await git.commitsBetween(full, baseSha, headSha)).reverse()) {
        const commit = await git.readCommit(full, sha);
        if (commit) messages.push(`* ${commit.message.trim()}`);
      }
      message = `${titleLine ?? `${issue.title} (#${pull.number})`}\n\n${extra ?? messages.join("\n\n")}`;
      parents = [baseSha];
    } else {
      message = `${titleLine ?? `Merge pull request #${pull.number} from ${owner}/${pull.headRef}`}\n\n${extra ?? issue.title}`;
      parents = [baseSha, headSha];
    }
    const commit = await git.writeCommit(full, { message, tree, parents, author: person, committer: person });
    if (!(await git.compareAndSwapRef(full, `refs/heads/${pull.baseRef}`, baseSha, commit))) {
      throw new HttpError(409, "Base branch was modified. Review and try the merge again.");
    }
    pull.merged = true;
    pull.mergedAt = ctx.now;
    pull.mergedById = actor.id;
    pull.mergeCommitSha = commit;
    pull.headSha = headSha;
    pull.baseSha = baseSha;
    repo.pushedAt = ctx.now;
    issue.events.push({
      id: state.nextId(),
      event: "merged",
      actorId: actor.id,
      createdAt: ctx.now,
      commitId: commit,
    });
    new IssueChanges(state, repo, issue, actor, ctx.now).setState("closed", "completed");
    issue.stateReason = null;
    return ok({ sha: commit, merged: true, message: "Pull Request successfully merged" });
  });
}

function checkMerged(ctx: RequestContext): Reply {
  const repo = repoOf(ctx, READ);
  const { pull } = pullOf(repo, numberParam(ctx, "pull_number"));
  if (!pull.merged) throw notFound();
  return noContent();
}

export const pullRoutes: RouteDef[] = [
  { method: "GET", template: "/repos/{owner}/{repo}/pulls", handler: listPulls },
  { method: "POST", template: "/repos/{owner}/{repo}/pulls", handler: createPull, contentCreating: true },
  { method: "GET", template: "/repos/{owner}/{repo}/pulls/{pull_number}", handler: getPull },
  { method: "PATCH", template: "/repos/{owner}/{repo}/pulls/{pull_number}", handler: updatePull },
  { method: "GET", template: "/repos/{owner}/{repo}/pulls/{pull_number}/merge", handler: checkMerged },
  {
    method: "PUT",
    template: "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    handler: mergePull,
    contentCreating: true,
  },
];
