import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ExternalError, InternalError, PolicyError, ValidationError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { gitBlobSha } from "../util/git-blob-sha.js";
import { DISPATCH_WORKFLOW_PATH } from "./app-repository.js";
import { checkDispatchTemplate } from "./check-dispatch-template.js";
import { checkEngineRef } from "./engine-ref-policy.js";
import { findReleaseRef } from "./find-release-ref.js";
import { renderHostDispatcher } from "./render-host-dispatcher.js";
import { planInstall, type DesiredHostFile, type InstallPlan } from "./plan-install.js";
import { CHANNEL_PATTERN, channelOf } from "./release-channel.js";
import { HOST_CONFIG_PATH } from "./route-event.js";
import type { RuntimeMode } from "./run-plan.js";

export interface InstallRequest {
  readonly repo: string;
  /** The channel the host follows (`v1`); in development mode any well-formed ref. */
  readonly ref: string;
  readonly runtime_mode: RuntimeMode;
  readonly dry_run: boolean;
  /** Directory holding `task-assistant-dispatch.yml` and the starter `task-assistant.yml`. */
  readonly templates_dir: string;
  /** The App's slug, written into the dispatcher's loop guard (`<slug>[bot]` starts no run). */
  readonly app_slug: string;
}

export interface InstallPullRequest {
  readonly number: number;
  readonly url: string;
  /** The branch the install commit is on (`task-assistant/install`). */
  readonly branch: string;
  /** Whether this install opened it (false: an open install pull request was brought up to date). */
  readonly created: boolean;
}

export interface InstallResult extends InstallPlan {
  readonly repo: string;
  readonly ref: string;
  readonly branch: string;
  /** The install commit; undefined when nothing changed or in a dry run. */
  readonly commit_sha: string | undefined;
  /**
   * `commit`: the default branch took the commit. `pull-request`: it is protected (branch protection
   * or a ruleset refused the update), so the commit waits in a pull request for a maintainer.
   */
  readonly via: "commit" | "pull-request" | undefined;
  readonly pull_request: InstallPullRequest | undefined;
  readonly dry_run: boolean;
}

/** Characters a ref may have to be written into a workflow's shell line and `uses:` safely. */
const SAFE_REF = /^[A-Za-z0-9._/-]+$/;

/** The branch an install pull request comes from; one per repository, reused by every install. */
export const INSTALL_BRANCH = "task-assistant/install";

/** How often the commit is re-planned when the branch moved under it (a compare-and-swap). */
const ATTEMPTS = 3;

/**
 * Installs Task Assistant into a host repository in one commit made through the git data API (a tree
 * with both files, a commit, a fast-forward of the default branch): the starter config when the
 * repository has none, and the thin caller of the dispatcher at the channel `ref`, rendered for this
 * repository (its schedule, loop guard and push branch set; see `renderHostDispatcher`). When the
 * default branch refuses the update although nobody moved it (branch protection or a ruleset), the
 * same commit goes to the branch `task-assistant/install` and a pull request into the default branch.
 * Idempotent: a second install of the same channel changes nothing and makes no commit. Only channels
 * install in marketplace mode, and the channel must exist in the app repository.
 */
export async function installHost(github: GitHub, request: InstallRequest): Promise<InstallResult> {
  assertInstallableRef(request.ref, request.runtime_mode);
  const [owner, name] = request.repo.split("/");
  const branch = await defaultBranch(github, owner, name);
  await findReleaseRef(github, request.ref, request.runtime_mode);
  const desired = await desiredFiles(request, branch);
  for (let attempt = 1; ; attempt += 1) {
    const head = await branchHead(github, owner, name, branch);
    const current = new Map<string, string | undefined>();
    for (const file of desired)
      current.set(file.path, await blobShaAt(github, owner, name, file.path, head.commit));
    const plan = planInstall(desired, current);
    const result = {
      ...plan,
      repo: request.repo,
      ref: request.ref,
      branch,
      dry_run: request.dry_run,
      via: undefined,
      pull_request: undefined,
    };
    if (plan.writes.length === 0 || request.dry_run) return { ...result, commit_sha: undefined };
    const tree = await github.rest.git.createTree({
      owner,
      repo: name,
      base_tree: head.tree,
      tree: plan.writes.map((file) => ({
        path: file.path,
        mode: "100644",
        type: "blob",
        content: file.text,
      })),
    });
    const commit = await github.rest.git.createCommit({
      owner,
      repo: name,
      message: `Install Task Assistant ${request.ref}\n\nThe workflow calls Task Assistant's dispatcher at the channel ${request.ref}: every run executes the release the channel points to, and a new release needs no commit here. Its loop guard ignores ${request.app_slug}[bot].`,
      tree: tree.data.sha,
      parents: [head.commit],
    });
    try {
      await github.rest.git.updateRef({
        owner,
        repo: name,
        ref: `heads/${branch}`,
        sha: commit.data.sha,
        force: false,
      });
      return { ...result, commit_sha: commit.data.sha, via: "commit" };
    } catch (error) {
      const status = statusOf(error);
      if (status !== 422 && status !== 409)
        throw githubFailure(`could not move ${branch} of ${request.repo}`, error);
      // Refused: either someone pushed in between (plan again on the new head, never force), or
      // the branch takes no direct update at all. The head tells which, not the message's words.
      const now = await branchHead(github, owner, name, branch);
      if (now.commit === head.commit) {
        const pullRequest = await proposeInstall(github, owner, name, branch, commit.data.sha, request);
        return { ...result, commit_sha: commit.data.sha, via: "pull-request", pull_request: pullRequest };
      }
      if (attempt >= ATTEMPTS) throw githubFailure(`could not move ${branch} of ${request.repo}`, error);
    }
  }
}

/**
 * Puts the install commit on `task-assistant/install` (created, or moved to it: the branch is the
 * installer's own) and makes sure one open pull request proposes it: an open one from that branch
 * is reused, otherwise one is opened.
 */
async function proposeInstall(
  github: GitHub,
  owner: string,
  repo: string,
  base: string,
  commitSha: string,
  request: InstallRequest,
): Promise<InstallPullRequest> {
  const what = `${owner}/${repo}`;
  try {
    const existing = await github.rest.git
      .getRef({ owner, repo, ref: `heads/${INSTALL_BRANCH}` })
      .catch((error: unknown) => {
        if (statusOf(error) === 404) return undefined;
        throw error;
      });
    if (existing === undefined)
      await github.rest.git.createRef({ owner, repo, ref: `refs/heads/${INSTALL_BRANCH}`, sha: commitSha });
    else
      await github.rest.git.updateRef({
        owner,
        repo,
        ref: `heads/${INSTALL_BRANCH}`,
        sha: commitSha,
        force: true,
      });
  } catch (error) {
    throw githubFailure(
      `${base} of ${what} is protected, and the branch ${INSTALL_BRANCH} could not be written`,
      error,
    );
  }
  try {
    const open = await github.rest.pulls.list({
      owner,
      repo,
      state: "open",
      head: `${owner}:${INSTALL_BRANCH}`,
      base,
    });
    const found = open.data[0];
    if (found !== undefined)
      return { number: found.number, url: found.html_url, branch: INSTALL_BRANCH, created: false };
    const created = await github.rest.pulls.create({
      owner,
      repo,
      head: INSTALL_BRANCH,
      base,
      title: `Install Task Assistant ${request.ref}`,
      body: [
        `${base} is protected, so \`task-assistant install\` proposes its commit here instead of pushing it.`,
        "",
        `- \`${DISPATCH_WORKFLOW_PATH}\`: the dispatcher, calling Task Assistant at \`${request.ref}\`.`,
        `- \`${HOST_CONFIG_PATH}\`: the starter configuration, only when the repository had none.`,
        "",
        "Merge it to start Task Assistant in this repository. Running install again updates this pull request.",
      ].join("\n"),
    });
    return { number: created.data.number, url: created.data.html_url, branch: INSTALL_BRANCH, created: true };
  } catch (error) {
    throw githubFailure(`could not open the install pull request in ${what}`, error);
  }
}

/**
 * Refuses a ref `install` must not write: anything but a channel (`v1`) in marketplace mode — a
 * version (`v1.4.0`) is answered with its channel — or anything that is not safe to write into a
 * workflow. Called before any request.
 */
export function assertInstallableRef(ref: string, runtimeMode: RuntimeMode): void {
  if (runtimeMode === "marketplace" && !CHANNEL_PATTERN.test(ref)) {
    const channel = channelOf(ref);
    throw new PolicyError(`refusing to install ${ref}: hosts follow a channel, not a version`, {
      hint:
        channel === undefined
          ? "pass a channel such as --ref v1 (the major version), or --runtime-mode development for a branch"
          : `pass --ref ${channel}: the host follows ${channel}, and the operator moves it to each release`,
    });
  }
  const verdict = checkEngineRef(ref, runtimeMode);
  if (runtimeMode === "development" && !verdict.ok)
    throw new PolicyError(`refusing to install ${ref}: ${verdict.reason}`, { hint: verdict.hint });
  if (!SAFE_REF.test(ref))
    throw new PolicyError(`refusing to install ${JSON.stringify(ref)}: it would be written into a workflow`, {
      hint: "use a ref made of letters, digits, '.', '_', '/' and '-'",
    });
}

/** The two files as they should be: the dispatcher rendered for this host (checked), and the starter config. */
async function desiredFiles(request: InstallRequest, branch: string): Promise<DesiredHostFile[]> {
  const template = await readTemplate(request.templates_dir, "task-assistant-dispatch.yml");
  const config = await readTemplate(request.templates_dir, "task-assistant.yml");
  const rendered = renderHostDispatcher(template, {
    ref: request.ref,
    repo: request.repo,
    app_slug: request.app_slug,
    default_branch: branch,
  });
  const problems = !rendered.ok
    ? rendered.problems
    : checkDispatchTemplate(rendered.text, DISPATCH_WORKFLOW_PATH, {
        expectedChannel: request.ref,
        allowFloatingRef: request.runtime_mode === "development",
      }).problems;
  if (!rendered.ok || problems.length > 0)
    throw new ValidationError(`the dispatcher template cannot be installed at ${request.ref}`, problems, {
      hint: "this is a packaging defect; nothing was written",
    });
  const dispatcher = rendered.text;
  return [
    { path: HOST_CONFIG_PATH, text: config, sha: gitBlobSha(config), policy: "create-only" },
    { path: DISPATCH_WORKFLOW_PATH, text: dispatcher, sha: gitBlobSha(dispatcher), policy: "ensure" },
  ];
}

async function readTemplate(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), "utf8");
  } catch (error) {
    throw new InternalError(`the host template ${file} is missing from ${dir}`, { cause: error });
  }
}

async function defaultBranch(github: GitHub, owner: string, repo: string): Promise<string> {
  try {
    return (await github.rest.repos.get({ owner, repo })).data.default_branch;
  } catch (error) {
    throw githubFailure(`cannot read ${owner}/${repo}`, error);
  }
}

async function branchHead(github: GitHub, owner: string, repo: string, branch: string) {
  let commitSha: string;
  try {
    commitSha = (await github.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;
  } catch (error) {
    const status = statusOf(error);
    if (status === 404 || status === 409)
      throw new ExternalError(`${owner}/${repo} has no commit on ${branch} yet`, {
        status,
        hint: "create the repository with an initial commit (for example a README), then install",
        cause: error,
      });
    throw githubFailure(`cannot read ${branch} of ${owner}/${repo}`, error);
  }
  const commit = await github.rest.git.getCommit({ owner, repo, commit_sha: commitSha });
  return { commit: commitSha, tree: commit.data.tree.sha };
}

async function blobShaAt(
  github: GitHub,
  owner: string,
  repo: string,
  path: string,
  ref: string,
): Promise<string | undefined> {
  try {
    const { data } = await github.rest.repos.getContent({ owner, repo, path, ref });
    return Array.isArray(data) ? "(directory)" : data.sha;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw githubFailure(`cannot read ${path} of ${owner}/${repo}`, error);
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

function githubFailure(what: string, error: unknown): ExternalError {
  const status = statusOf(error);
  return new ExternalError(
    `${what}${status === undefined ? "" : ` (HTTP ${status})`}: ${(error as Error).message}`,
    {
      status,
      cause: error,
      hint:
        status === 404 ? "check the repository name and that the token can write its contents" : undefined,
    },
  );
}
