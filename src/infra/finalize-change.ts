import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeInfraFileOrThrow } from "../registry/decode-infra-file.js";
import { readStore } from "../registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../registry/registry-types.js";
import type { ChangeVerification } from "../registry/verify-change.js";
import { changeBase, filesAtCommit, refuseOtherFiles, requireVerifiedChange } from "./change-files.js";
import { git } from "./git.js";
import { MAIN_BRANCH } from "./git-state.js";
import { requireFeatureBranch, unrelatedChanges } from "./guards.js";

export interface FinalizedChange {
  branch: string;
  base: string;
  verification: ChangeVerification;
}

/**
 * `infra finalize`: on a feature branch, checks the whole change against where it left `main`
 * (committed and uncommitted): only the registry and changelog touched, both valid, existing
 * changelog lines intact, the registry exactly what the new lines produce. Then stages both files.
 */
export async function finalizeChange(root: string): Promise<FinalizedChange> {
  const branch = await requireFeatureBranch(root, "finalize");
  await readStore(root);
  const base = await changeBase(root);
  const committed = (await git(root, ["diff", "--name-only", "-z", base])).split("\0").filter(Boolean);
  const uncommitted = (await unrelatedChanges(root)).map((file) => file.path);
  refuseOtherFiles([...new Set([...committed, ...uncommitted])], MAIN_BRANCH);
  const changelogBytes = await readFile(join(root, CHANGELOG_PATH)).catch(() => undefined);
  const head = {
    registryText: decodeInfraFileOrThrow(await readFile(join(root, REGISTRY_PATH)), REGISTRY_PATH),
    changelogText: changelogBytes === undefined ? "" : decodeInfraFileOrThrow(changelogBytes, CHANGELOG_PATH),
  };
  const verification = requireVerifiedChange(await filesAtCommit(root, base), head, `branch ${branch}`);
  await git(root, ["add", "--", REGISTRY_PATH, CHANGELOG_PATH]);
  return { branch, base, verification };
}
