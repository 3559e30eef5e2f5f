import { ExternalError, PolicyError, UsageError, ValidationError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { decodeInfraFileOrThrow } from "../registry/decode-infra-file.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import { verifyRegistryChange, type RegistryFiles } from "../registry/verify-change.js";
import { refuseOtherFiles } from "./change-files.js";
import { git, runGit } from "./git.js";
import { currentBranch, MAIN_BRANCH, resolveCommit } from "./git-state.js";
import { anyChanges, describeChanges } from "./guards.js";
import { callGitHub, httpStatus } from "./infra-github.js";
import { redactUrls } from "../util/redact-url.js";

export interface MergedPullRequest {
  number: number;
  branch: string;
  /** The squash commit on main. */
  sha: string;
  /** Lines of the changelog the merge added. */
  added: number;
  /** Local main now points at the merge. */
  mainUpdated: boolean;
  localBranchDeleted: boolean;
}

/**
 * `infra pr merge [N]`: re-validates the registry and changelog as they are in the PR head, read
 * through the API, against `main` (same checks as finalize; the PR must change only those files
 * and contain `main`), squash-merges pinned to that head, deletes the branch, and fast-forwards
 * local `main`. Nothing is merged when any check fails.
 */
export async function mergeInfraPullRequest(
  root: string,
  github: GitHub,
  repository: { owner: string; repo: string },
  requested?: number,
): Promise<MergedPullRequest> {
  const { owner, repo } = repository;
  const dirty = await anyChanges(root);
  if (dirty.length > 0) {
    throw new PolicyError(
      `refusing to merge with uncommitted changes in this checkout (${describeChanges(dirty)})`,
      {
        hint: "commit or discard them first: merging switches this checkout to the updated main",
      },
    );
  }
  const number = requested ?? (await singleOpenPullRequest(root, github, repository));
  const { data: pull } = await callGitHub(`read pull request #${number}`, () =>
    github.rest.pulls.get({ owner, repo, pull_number: number }).catch((error: unknown) => {
      // A number that names no pull request is a mistake on the command line, not GitHub failing.
      if (httpStatus(error) === 404 && (error as { response?: unknown }).response !== undefined)
        throw new UsageError(`no pull request #${number} in ${owner}/${repo}`, {
          hint: "check the number, or run `task-assistant infra pr merge` without one to merge the branch's open pull request",
          cause: error,
        });
      throw error;
    }),
  );
  if (pull.state !== "open") {
    throw new PolicyError(`pull request #${number} is ${pull.merged_at ? "already merged" : "closed"}`, {
      hint: "nothing to merge",
    });
  }
  if (pull.base.ref !== MAIN_BRANCH) {
    throw new PolicyError(`pull request #${number} targets ${pull.base.ref}, not ${MAIN_BRANCH}`, {
      hint: `infra changes merge into ${MAIN_BRANCH}; retarget the pull request`,
    });
  }
  if (pull.head.repo?.full_name?.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) {
    throw new PolicyError(
      `pull request #${number} comes from another repository (${pull.head.repo?.full_name ?? "deleted"})`,
      {
        hint: "infra changes are proposed from branches of the infra repository itself",
      },
    );
  }
  const headSha = pull.head.sha;
  const branch = pull.head.ref;

  const { data: mainRef } = await callGitHub(`read ${MAIN_BRANCH}`, () =>
    github.rest.git.getRef({ owner, repo, ref: `heads/${MAIN_BRANCH}` }),
  );
  const mainSha = mainRef.object.sha;
  // With main in the head's history, the squash merge's tree is exactly the head's tree, which is
  // what gets validated below.
  if (!(await historyContains(github, repository, headSha, mainSha))) {
    throw new PolicyError(
      `pull request #${number} does not contain the latest ${MAIN_BRANCH} (${mainSha.slice(0, 12)})`,
      {
        hint: `update the branch (git merge origin/${MAIN_BRANCH}, re-run \`infra finalize\`), push, and merge again`,
      },
    );
  }
  refuseOtherFiles(await changedPaths(github, repository, mainSha, headSha), MAIN_BRANCH);
  const base = await filesAtRef(github, repository, mainSha);
  const head = await filesAtRef(github, repository, headSha);
  const verification = verifyRegistryChange(base, head);
  if (!verification.ok) {
    throw new ValidationError(
      `pull request #${number} does not pass validation at its head ${headSha.slice(0, 12)}; it was not merged`,
      verification.problems,
      {
        hint: "fix the branch with the infra CLI (or abort it) and push again",
      },
    );
  }
  if (verification.unchanged) {
    throw new PolicyError(`pull request #${number} does not change the registry or changelog`, {
      hint: "close it instead",
    });
  }

  const merged = await mergePinned(github, repository, number, headSha, pull.title);
  await github.rest.git.deleteRef({ owner, repo, ref: `heads/${branch}` }).catch((error: unknown) => {
    if (![404, 422].includes(httpStatus(error) ?? 0))
      throw new ExternalError(`merged #${number}, but could not delete its branch ${branch}`, {
        cause: error,
        hint: `delete it on GitHub: ${branch}`,
      });
  });
  const local = await updateLocalMain(root, branch, headSha);
  return { number, branch, sha: merged, added: verification.addedLines.length, ...local };
}

/** Whether `ancestor` is `head` or one of its first `limit` ancestors (infra branches are short). */
async function historyContains(
  github: GitHub,
  { owner, repo }: { owner: string; repo: string },
  head: string,
  ancestor: string,
  limit = 200,
): Promise<boolean> {
  const queue = [head];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < limit) {
    const sha = queue.shift() as string;
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    const { data } = await callGitHub(`read commit ${sha.slice(0, 12)}`, () =>
      github.rest.git.getCommit({ owner, repo, commit_sha: sha }),
    );
    queue.push(...data.parents.map((parent) => parent.sha));
  }
  return false;
}

/** Paths whose content or mode differs between two commits, from their full trees. */
async function changedPaths(
  github: GitHub,
  repository: { owner: string; repo: string },
  base: string,
  head: string,
): Promise<string[]> {
  const [before, after] = [
    await treeEntries(github, repository, base),
    await treeEntries(github, repository, head),
  ];
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path)).sort();
}

async function treeEntries(
  github: GitHub,
  { owner, repo }: { owner: string; repo: string },
  commit: string,
): Promise<Map<string, string>> {
  const { data } = await callGitHub(`read the tree of ${commit.slice(0, 12)}`, () =>
    github.rest.git.getTree({ owner, repo, tree_sha: commit, recursive: "true" }),
  );
  if (data.truncated) {
    throw new PolicyError(`the tree of ${commit.slice(0, 12)} is too large to compare through the API`, {
      hint: "an infra repository holds only the registry, its changelog and a README",
    });
  }
  return new Map(
    data.tree
      .filter((entry) => entry.type !== "tree")
      .map((entry) => [entry.path ?? "", `${entry.mode ?? ""} ${entry.sha ?? ""}`]),
  );
}

async function singleOpenPullRequest(
  root: string,
  github: GitHub,
  { owner, repo }: { owner: string; repo: string },
): Promise<number> {
  const branch = await currentBranch(root);
  if (branch === undefined || branch === MAIN_BRANCH) {
    throw new PolicyError(
      `on ${branch ?? "a detached HEAD"} there is no branch whose pull request to merge`,
      {
        hint: "pass the pull request number (infra pr merge N), or switch to its branch",
      },
    );
  }
  const { data } = await callGitHub("list the branch's pull requests", () =>
    github.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 100 }),
  );
  const mine = data.filter((pull) => pull.head.ref === branch);
  if (mine.length !== 1) {
    throw new PolicyError(
      mine.length === 0
        ? `branch ${branch} has no open pull request`
        : `branch ${branch} has ${mine.length} open pull requests (${mine.map((pull) => `#${pull.number}`).join(", ")})`,
      {
        hint:
          mine.length === 0
            ? "open one with `task-assistant infra pr create`"
            : "pass the number: task-assistant infra pr merge N",
      },
    );
  }
  return mine[0].number;
}

/** The registry and changelog at a commit, read through the contents API. */
async function filesAtRef(
  github: GitHub,
  repository: { owner: string; repo: string },
  ref: string,
): Promise<RegistryFiles> {
  const registryText = await fileAtRef(github, repository, REGISTRY_PATH, ref);
  if (registryText === undefined) {
    throw new PolicyError(`${REGISTRY_PATH} does not exist at ${ref.slice(0, 12)}`, {
      hint: "the infra repository must hold the registry",
    });
  }
  return { registryText, changelogText: (await fileAtRef(github, repository, CHANGELOG_PATH, ref)) ?? "" };
}

async function fileAtRef(
  github: GitHub,
  { owner, repo }: { owner: string; repo: string },
  path: string,
  ref: string,
): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({ owner, repo, path, ref }));
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    return callGitHub(`read ${path} at ${ref.slice(0, 12)}`, () => Promise.reject(error as Error));
  }
  const file = data as { type?: string; content?: string; encoding?: string; sha?: string; size?: number };
  if (file.type !== "file")
    throw new PolicyError(`${path} at ${ref.slice(0, 12)} is not a file`, { hint: "restore it as a file" });
  if (
    file.encoding === "base64" &&
    typeof file.content === "string" &&
    (file.content !== "" || file.size === 0)
  ) {
    return decodeInfraFileOrThrow(Buffer.from(file.content, "base64"), `${path} at ${ref.slice(0, 12)}`);
  }
  // Files over 1 MB come without inline content: read the blob instead.
  const { data: blob } = await callGitHub(`read ${path}`, () =>
    github.rest.git.getBlob({ owner, repo, file_sha: file.sha ?? "" }),
  );
  return decodeInfraFileOrThrow(Buffer.from(blob.content, "base64"), `${path} at ${ref.slice(0, 12)}`);
}

async function mergePinned(
  github: GitHub,
  { owner, repo }: { owner: string; repo: string },
  number: number,
  headSha: string,
  title: string,
): Promise<string> {
  try {
    const { data } = await github.rest.pulls.merge({
      owner,
      repo,
      pull_number: number,
      merge_method: "squash",
      sha: headSha,
      commit_title: `${title} (#${number})`,
    });
    return data.sha;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 409) {
      throw new PolicyError(`pull request #${number} changed after it was validated; it was not merged`, {
        hint: "run `task-assistant infra pr merge` again to validate the new head",
      });
    }
    if (status === 405 || status === 422) {
      throw new PolicyError(`GitHub refused to merge #${number}: ${(error as Error).message}`, {
        hint: "check the pull request's reviews and required checks",
      });
    }
    return callGitHub(`merge #${number}`, () => Promise.reject(error as Error));
  }
}

async function updateLocalMain(
  root: string,
  branch: string,
  headSha: string,
): Promise<{ mainUpdated: boolean; localBranchDeleted: boolean }> {
  const fetched = await runGit(root, ["fetch", "--quiet", "--prune", "origin"]);
  if (fetched.code !== 0) {
    throw new ExternalError(
      `merged on GitHub, but git fetch from origin failed: ${redactUrls(fetched.stderr.trim())}`,
      {
        hint: `update main yourself: git switch ${MAIN_BRANCH} && git pull --ff-only`,
      },
    );
  }
  const current = await currentBranch(root);
  if (current === branch || current === MAIN_BRANCH || current === undefined) {
    await git(root, ["switch", "--quiet", MAIN_BRANCH]);
  }
  let mainUpdated = true;
  if ((await currentBranch(root)) === MAIN_BRANCH) {
    mainUpdated = (await runGit(root, ["merge", "--quiet", "--ff-only", `origin/${MAIN_BRANCH}`])).code === 0;
  } else {
    mainUpdated =
      (await runGit(root, ["fetch", "--quiet", "origin", `${MAIN_BRANCH}:${MAIN_BRANCH}`])).code === 0;
  }
  if (!mainUpdated) {
    throw new ExternalError(
      `merged on GitHub, but local ${MAIN_BRANCH} has commits of its own and cannot be fast-forwarded`,
      {
        hint: `inspect local ${MAIN_BRANCH}: git log origin/${MAIN_BRANCH}..${MAIN_BRANCH}`,
      },
    );
  }
  let localBranchDeleted = false;
  if (
    (await resolveCommit(root, `refs/heads/${branch}`)) === headSha &&
    (await currentBranch(root)) !== branch
  ) {
    await git(root, ["branch", "--quiet", "-D", branch]);
    localBranchDeleted = true;
  }
  return { mainUpdated, localBranchDeleted };
}
