import { ExternalError, PolicyError } from "../errors.js";
import { recoverStore } from "../registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import { git, runGit } from "./git.js";
import { MAIN_BRANCH, readAtRevision, resolveCommit } from "./git-state.js";
import { describeChanges, requireFeatureBranch, unrelatedChanges } from "./guards.js";
import { redactUrls } from "../util/redact-url.js";

export interface AbortedChange {
  branch: string;
  /** The branch deleted on origin, when it had been pushed. */
  remoteBranch?: string;
}

/**
 * `infra abort`: discards the branch's uncommitted registry and changelog changes, switches to
 * `main` and deletes the branch, locally and (when it was pushed) on origin. Refuses on `main`, on
 * a detached HEAD, and when other files have changes: it never throws away unrelated work.
 */
export async function abortChange(root: string): Promise<AbortedChange> {
  const branch = await requireFeatureBranch(root, "abort");
  const unrelated = await unrelatedChanges(root);
  if (unrelated.length > 0) {
    throw new PolicyError(
      `refusing to abort: files other than the registry and changelog have changes (${describeChanges(unrelated)})`,
      {
        hint: "commit, move or discard them yourself first; abort only throws away the registry change",
      },
    );
  }
  if ((await resolveCommit(root, `refs/heads/${MAIN_BRANCH}`)) === undefined) {
    throw new PolicyError(`there is no local ${MAIN_BRANCH} branch to return to`, {
      hint: `fetch it: git fetch origin ${MAIN_BRANCH}:${MAIN_BRANCH}`,
    });
  }
  await recoverStore(root);
  for (const path of [REGISTRY_PATH, CHANGELOG_PATH]) {
    if ((await readAtRevision(root, "HEAD", path)) !== undefined) {
      await git(root, ["restore", "--source=HEAD", "--staged", "--worktree", "--", path]);
    } else {
      await git(root, ["rm", "--quiet", "--cached", "--force", "--ignore-unmatch", "--", path]);
      await git(root, ["clean", "--quiet", "--force", "--", path]);
    }
  }
  const upstream = await runGit(root, [
    "rev-parse",
    "--abbrev-ref",
    "--symbolic-full-name",
    `${branch}@{upstream}`,
  ]);
  await git(root, ["switch", "--quiet", MAIN_BRANCH]);
  await git(root, ["branch", "--quiet", "-D", branch]);
  const tracked = upstream.code === 0 ? upstream.stdout.trim() : "";
  if (!tracked.startsWith("origin/")) return { branch };
  const remoteBranch = tracked.slice("origin/".length);
  const pushed = await runGit(root, ["push", "--quiet", "origin", "--delete", remoteBranch]);
  if (pushed.code !== 0) {
    throw new ExternalError(
      `aborted locally, but could not delete origin/${remoteBranch}: ${redactUrls(pushed.stderr.trim())}`,
      {
        hint: `delete it yourself: git push origin --delete ${remoteBranch}`,
      },
    );
  }
  return { branch, remoteBranch };
}
