import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import type { TestGitHub } from "./local-github.js";

/**
 * Tags the app repository's main head with `tags` (releases `vX.Y.Z`, channels `vMAJOR`), as a
 * release does, so `install` finds the ref it is asked to install. The seed must hold the public
 * repository `APP_REPOSITORY` with a first commit.
 */
export async function tagAppRelease(github: TestGitHub, tags: readonly string[]): Promise<void> {
  const [owner, repo] = APP_REPOSITORY.split("/");
  const admin = github.client();
  const main = await admin.rest.git.getRef({ owner, repo, ref: "heads/main" });
  for (const tag of tags)
    await admin.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha: main.data.object.sha });
}
