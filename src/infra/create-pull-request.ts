import { ExternalError, PolicyError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { changeBase, filesAtCommit, refuseOtherFiles, requireVerifiedChange } from "./change-files.js";
import { git, runGit } from "./git.js";
import { MAIN_BRANCH } from "./git-state.js";
import { anyChanges, describeChanges, requireFeatureBranch } from "./guards.js";
import { callGitHub } from "./infra-github.js";
import { pullRequestBody, pullRequestTitle } from "./pull-request-text.js";
import { redactUrls } from "../util/redact-url.js";

export interface OpenedPullRequest {
  number: number;
  url: string;
  /** False when the branch already had an open pull request (it was pushed again). */
  created: boolean;
  branch: string;
  title: string;
}

/**
 * `infra pr create`: on a clean feature branch with commits ahead of `main`, checks the committed
 * change as finalize does, pushes the branch to origin and opens its pull request against `main`
 * (or reports the one already open).
 */
export async function createInfraPullRequest(
  root: string,
  github: GitHub,
  repository: { owner: string; repo: string },
): Promise<OpenedPullRequest> {
  const branch = await requireFeatureBranch(root, "create a pull request");
  const dirty = await anyChanges(root);
  if (dirty.length > 0) {
    throw new PolicyError(
      `refusing to open a pull request with uncommitted changes (${describeChanges(dirty)})`,
      {
        hint: "commit the finalized change (git commit) or discard the rest first",
      },
    );
  }
  const base = await changeBase(root);
  const ahead = Number((await git(root, ["rev-list", "--count", `${MAIN_BRANCH}..HEAD`])).trim());
  if (ahead === 0) {
    throw new PolicyError(`branch ${branch} has no commits ahead of ${MAIN_BRANCH}`, {
      hint: "make the change, run `task-assistant infra finalize`, commit, then open the pull request",
    });
  }
  refuseOtherFiles(
    (await git(root, ["diff", "--name-only", "-z", base, "HEAD"])).split("\0").filter(Boolean),
    MAIN_BRANCH,
  );
  const verification = requireVerifiedChange(
    await filesAtCommit(root, base),
    await filesAtCommit(root, "HEAD"),
    `branch ${branch}`,
  );

  const pushed = await runGit(root, [
    "push",
    "--quiet",
    "--set-upstream",
    "origin",
    `refs/heads/${branch}:refs/heads/${branch}`,
  ]);
  if (pushed.code !== 0) {
    throw new ExternalError(`git push of ${branch} to origin failed: ${redactUrls(pushed.stderr.trim())}`, {
      hint: "check origin's URL and your git credentials, then run `task-assistant infra pr create` again",
    });
  }
  const { owner, repo } = repository;
  const open = await callGitHub("list the branch's pull requests", () =>
    github.rest.pulls.list({
      owner,
      repo,
      state: "open",
      head: `${owner}:${branch}`,
      base: MAIN_BRANCH,
      per_page: 100,
    }),
  );
  const existing = open.data.find((pull) => pull.head.ref === branch);
  if (existing !== undefined) {
    return { number: existing.number, url: existing.html_url, created: false, branch, title: existing.title };
  }
  const title = pullRequestTitle(verification.addedLines);
  const created = await callGitHub("open the pull request", () =>
    github.rest.pulls.create({
      owner,
      repo,
      head: branch,
      base: MAIN_BRANCH,
      title,
      body: pullRequestBody(verification.addedLines, verification.addedRawLines),
    }),
  );
  return { number: created.data.number, url: created.data.html_url, created: true, branch, title };
}
