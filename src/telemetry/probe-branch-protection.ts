import type { GitHub } from "../github/octokit.js";
import type { BranchProtectionFact } from "./branch-protection-fact.js";

/**
 * One read: whether `branch` of `owner/repo` is protected (`GET .../branches/{branch}`). Never
 * throws for an HTTP failure: that is an "unknown" fact carrying the status.
 */
export async function probeBranchProtection(
  github: GitHub,
  target: { owner: string; repo: string },
  branch: string,
): Promise<BranchProtectionFact> {
  try {
    const { data } = await github.rest.repos.getBranch({ ...target, branch });
    return data.protected ? { kind: "protected", branch } : { kind: "unprotected", branch };
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return {
      kind: "unknown",
      branch,
      status: typeof status === "number" ? status : undefined,
      message: error instanceof Error ? error.message.split("\n")[0] : String(error),
    };
  }
}

/**
 * Whether the default branch of `owner/repo` is protected: two reads (the repository, for its
 * default branch, then the branch), for a caller that does not already know the default branch.
 */
export async function probeDefaultBranchProtection(
  github: GitHub,
  target: { owner: string; repo: string },
): Promise<BranchProtectionFact> {
  let branch: string;
  try {
    branch = (await github.rest.repos.get(target)).data.default_branch;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    return {
      kind: "unknown",
      branch: "the default branch",
      status: typeof status === "number" ? status : undefined,
      message: error instanceof Error ? error.message.split("\n")[0] : String(error),
    };
  }
  return probeBranchProtection(github, target, branch);
}
