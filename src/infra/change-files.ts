import { PolicyError, ValidationError } from "../errors.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import {
  verifyRegistryChange,
  type ChangeVerification,
  type RegistryFiles,
} from "../registry/verify-change.js";
import { git } from "./git.js";
import { decodeInfraFileOrThrow } from "../registry/decode-infra-file.js";
import { MAIN_BRANCH, readBytesAtRevision, resolveCommit } from "./git-state.js";

export const CHANGE_FILES: readonly string[] = [REGISTRY_PATH, CHANGELOG_PATH];

/** The commit a branch's change is measured from: where it left `main`. */
export async function changeBase(root: string, head = "HEAD"): Promise<string> {
  if ((await resolveCommit(root, `refs/heads/${MAIN_BRANCH}`)) === undefined) {
    throw new PolicyError(`there is no local ${MAIN_BRANCH} branch to compare the change with`, {
      hint: `fetch it: git fetch origin ${MAIN_BRANCH}:${MAIN_BRANCH}`,
    });
  }
  return (await git(root, ["merge-base", MAIN_BRANCH, head])).trim();
}

/** The registry and changelog at a commit (an absent changelog reads as empty). */
export async function filesAtCommit(root: string, commit: string): Promise<RegistryFiles> {
  const registryBytes = await readBytesAtRevision(root, commit, REGISTRY_PATH);
  if (registryBytes === undefined) {
    throw new PolicyError(`${REGISTRY_PATH} does not exist at ${commit.slice(0, 12)}`, {
      hint: `commit the registry on ${MAIN_BRANCH} first (see \`task-assistant infra init\`)`,
    });
  }
  const changelogBytes = await readBytesAtRevision(root, commit, CHANGELOG_PATH);
  const at = commit.slice(0, 12);
  return {
    registryText: decodeInfraFileOrThrow(registryBytes, `${at}:${REGISTRY_PATH}`),
    changelogText:
      changelogBytes === undefined ? "" : decodeInfraFileOrThrow(changelogBytes, `${at}:${CHANGELOG_PATH}`),
  };
}

/** Refuses a change that touches anything but the registry and changelog. */
export function refuseOtherFiles(paths: readonly string[], against: string): void {
  const others = paths.filter((path) => !CHANGE_FILES.includes(path));
  if (others.length > 0) {
    throw new PolicyError(
      `the change against ${against} touches files other than the registry and changelog: ${others.slice(0, 10).join(", ")}${others.length > 10 ? ", ..." : ""}`,
      {
        hint: "an infra change may only change the registry and its changelog; move other edits to their own branch",
      },
    );
  }
}

/** Verifies a change and throws when it has problems or changes nothing. */
export function requireVerifiedChange(
  base: RegistryFiles,
  head: RegistryFiles,
  what: string,
): ChangeVerification {
  const verification = verifyRegistryChange(base, head);
  if (!verification.ok) {
    throw new ValidationError(
      `${what} does not pass validation against ${MAIN_BRANCH}`,
      verification.problems,
      {
        hint: "fix each problem listed; make registry changes only with the infra CLI",
      },
    );
  }
  if (verification.unchanged) {
    throw new PolicyError(`${what} does not change the registry or changelog`, {
      hint: "make a change first with `task-assistant infra register|enable|disable|unregister`",
    });
  }
  return verification;
}
