import { PolicyError, UsageError } from "../errors.js";
import { git, runGit } from "./git.js";
import { branchExists, currentBranch, MAIN_BRANCH, resolveCommit } from "./git-state.js";
import { anyChanges, describeChanges } from "./guards.js";

/**
 * `infra branch NAME`: creates NAME from `main` and switches to it. Refuses an invalid or taken
 * name, a detached HEAD, and a dirty tree (a change must start clean to stay reviewable).
 */
export async function createInfraBranch(
  root: string,
  name: string,
): Promise<{ branch: string; base: string }> {
  if ((await runGit(root, ["check-ref-format", "--branch", name])).code !== 0 || name.startsWith("-")) {
    throw new UsageError(`"${name}" is not a valid branch name`, {
      hint: "use letters, digits, '-', '_', '/' and '.', e.g. register-acme-widgets",
    });
  }
  if (name === MAIN_BRANCH) {
    throw new PolicyError(`refusing to use ${MAIN_BRANCH} as an infra branch`, {
      hint: "name the branch after the change, e.g. register-acme-widgets",
    });
  }
  if ((await currentBranch(root)) === undefined) {
    throw new PolicyError("refusing to branch from a detached HEAD", {
      hint: `switch to ${MAIN_BRANCH} first: git switch ${MAIN_BRANCH}`,
    });
  }
  const dirty = await anyChanges(root);
  if (dirty.length > 0) {
    throw new PolicyError(`refusing to branch with uncommitted changes (${describeChanges(dirty)})`, {
      hint: "commit or discard them first, so the branch holds only the infra change",
    });
  }
  if (await branchExists(root, name)) {
    throw new PolicyError(`branch ${name} already exists`, {
      hint: `choose another name, or continue on it with git switch ${name}`,
    });
  }
  const base = await resolveCommit(root, `refs/heads/${MAIN_BRANCH}`);
  if (base === undefined) {
    throw new PolicyError(`there is no local ${MAIN_BRANCH} branch to start from`, {
      hint: `commit the infra files on ${MAIN_BRANCH} first (after \`infra init\`), or fetch it: git fetch origin ${MAIN_BRANCH}:${MAIN_BRANCH}`,
    });
  }
  await git(root, ["switch", "--quiet", "--create", name, MAIN_BRANCH]);
  return { branch: name, base };
}
