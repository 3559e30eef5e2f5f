import { PolicyError } from "../errors.js";
import { isStorePrivatePath } from "../registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import { changedFiles, currentBranch, MAIN_BRANCH, type ChangedFile } from "./git-state.js";

const REGISTRY_FILES = new Set([REGISTRY_PATH, CHANGELOG_PATH]);

/** The checked-out branch, refusing a detached HEAD (and `main`, unless allowed). */
export async function requireFeatureBranch(root: string, command: string): Promise<string> {
  const branch = await currentBranch(root);
  if (branch === undefined) {
    throw new PolicyError(`refusing to ${command} on a detached HEAD`, {
      hint: "switch to a feature branch (`task-assistant infra branch NAME` creates one)",
    });
  }
  if (branch === MAIN_BRANCH) {
    throw new PolicyError(
      `refusing to ${command} on ${MAIN_BRANCH}: registry changes go through a branch and a pull request`,
      {
        hint: "create a branch first: task-assistant infra branch NAME",
      },
    );
  }
  return branch;
}

/** Changed files other than the registry, its changelog and the store's own transient files. */
export async function unrelatedChanges(root: string): Promise<ChangedFile[]> {
  return (await changedFiles(root)).filter(
    (file) => !REGISTRY_FILES.has(file.path) && !isStorePrivatePath(file.path),
  );
}

/** Every change in the working tree or index except the store's own transient files. */
export async function anyChanges(root: string): Promise<ChangedFile[]> {
  return (await changedFiles(root)).filter((file) => !isStorePrivatePath(file.path));
}

export function describeChanges(files: readonly ChangedFile[]): string {
  const shown = files.slice(0, 10).map((file) => `${file.status.trim() || "?"} ${file.path}`);
  if (files.length > shown.length) shown.push(`... and ${files.length - shown.length} more`);
  return shown.join(", ");
}

/**
 * The guard every registry mutation runs before reading the files: a named feature branch (not
 * `main`, not detached) and no uncommitted change outside the registry and changelog, so a
 * mutation can never be mixed with unrelated edits. Returns the branch.
 */
export async function guardMutation(root: string, command: string): Promise<string> {
  const branch = await requireFeatureBranch(root, command);
  const unrelated = await unrelatedChanges(root);
  if (unrelated.length > 0) {
    throw new PolicyError(
      `refusing to ${command}: files other than the registry and changelog have uncommitted changes (${describeChanges(unrelated)})`,
      {
        hint: "commit, move or discard those changes first; an infra branch changes only the registry and its changelog",
      },
    );
  }
  return branch;
}
