import { ExternalError, PolicyError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { APP_REPOSITORY } from "./app-repository.js";
import { COMMIT_SHA_PATTERN } from "./engine-ref-policy.js";
import type { RuntimeMode } from "./run-plan.js";

/** What `ref` names in the app repository. */
export type ReleaseRef = { readonly kind: "tag" | "branch" | "commit"; readonly sha: string };

/**
 * Checks that `ref` exists in this project's repository before a host is pointed at it: a tag (a
 * release `vX.Y.Z` or a channel `vMAJOR`), a commit SHA, or, in development mode, a branch. A host
 * pointed at a ref that does not exist would fail every run, so `install` refuses it (exit 2).
 *
 * @example await findReleaseRef(github, "v1", "marketplace") // { kind: "tag", sha }
 */
export async function findReleaseRef(
  github: GitHub,
  ref: string,
  runtimeMode: RuntimeMode,
): Promise<ReleaseRef> {
  const [owner, repo] = APP_REPOSITORY.split("/");
  if (COMMIT_SHA_PATTERN.test(ref)) {
    const commit = await lookUp(() => github.rest.git.getCommit({ owner, repo, commit_sha: ref }));
    if (commit !== undefined) return { kind: "commit", sha: commit.data.sha };
  } else {
    const tag = await lookUp(() => github.rest.git.getRef({ owner, repo, ref: `tags/${ref}` }));
    if (tag !== undefined) return { kind: "tag", sha: tag.data.object.sha };
    if (runtimeMode === "development") {
      const branch = await lookUp(() => github.rest.git.getRef({ owner, repo, ref: `heads/${ref}` }));
      if (branch !== undefined) return { kind: "branch", sha: branch.data.object.sha };
    }
  }
  const what = COMMIT_SHA_PATTERN.test(ref)
    ? "commit"
    : runtimeMode === "development"
      ? "tag or branch"
      : "tag";
  throw new PolicyError(`refusing to install ${ref}: ${APP_REPOSITORY} has no ${what} ${ref}`, {
    hint: /^v\d+$/.test(ref)
      ? `the channel ${ref} exists once a release of major version ${ref.slice(1)} has been published; install an existing channel or release tag`
      : "pass a channel (v1) or a release tag that exists in the app repository",
  });
}

/** The answer, or undefined on 404 (and 422, GitHub's answer to a malformed ref); other failures throw. */
async function lookUp<T>(request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { status?: unknown } | null)?.status;
    if (status === 404 || status === 422) return undefined;
    throw new ExternalError(
      `cannot read ${APP_REPOSITORY}${typeof status === "number" ? ` (HTTP ${status})` : ""}: ${(error as Error).message}`,
      { status: typeof status === "number" ? status : undefined, cause: error },
    );
  }
}
