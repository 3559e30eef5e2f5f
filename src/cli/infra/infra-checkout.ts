import { access } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { repoRoot } from "../../infra/git-state.js";
import { REGISTRY_PATH } from "../../registry/registry-types.js";

/** The top of the git checkout containing `cwd`, which must hold the registry. */
export async function infraCheckout(cwd: string): Promise<string> {
  const root = await repoRoot(cwd);
  try {
    await access(join(root, REGISTRY_PATH));
  } catch {
    throw new UsageError(`${root} has no ${REGISTRY_PATH}: it is not an infra checkout`, {
      hint: "run this inside a checkout of the infra repository, or create one with `task-assistant infra init`",
    });
  }
  return root;
}
