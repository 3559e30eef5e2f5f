import { ExternalError, UsageError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { callGitHub, httpStatus } from "./infra-github.js";
import type { CurrentProtection, ProtectionPlan } from "./plan-branch-protection.js";

export interface ProtectResult {
  repository: string;
  branch: string;
  /** True when a PUT was made (or, in a dry run, would be); false when nothing was missing. */
  changed: boolean;
  changes: string[];
  settings: string[];
}

/**
 * Protects `branch` of `owner/repo` as `plan` asks (a pure planner from the protection in force,
 * `undefined` when none): reads what is set, PUTs only when something is missing (so a second run
 * writes nothing), then reads it back to confirm GitHub kept it. With `dryRun` it only reads.
 */
export async function protectBranch<P extends ProtectionPlan>(
  github: GitHub,
  target: { owner: string; repo: string; branch: string },
  planFor: (current: CurrentProtection | undefined) => P,
  options: { dryRun?: boolean } = {},
): Promise<ProtectResult & { plan: P }> {
  const { owner, repo, branch } = target;
  const repository = `${owner}/${repo}`;
  const current = await readProtection(github, target);
  const plan = planFor(current);
  if (plan.body !== undefined && options.dryRun !== true) {
    const body = plan.body;
    await adminCall(repository, `protect ${branch} of ${repository}`, () =>
      github.rest.repos.updateBranchProtection({ owner, repo, branch, ...body }),
    );
    const after = planFor(await readProtection(github, target));
    if (after.body !== undefined) {
      throw new ExternalError(
        `GitHub accepted the protection of ${branch} of ${repository} but does not show it: still missing ${after.changes.join("; ")}`,
        {
          hint: "check the branch's settings on GitHub; an organisation ruleset or plan limit may override it",
        },
      );
    }
  }
  return {
    repository,
    branch,
    changed: plan.body !== undefined,
    changes: plan.changes,
    settings: plan.settings,
    plan,
  };
}

async function readProtection(
  github: GitHub,
  { owner, repo, branch }: { owner: string; repo: string; branch: string },
): Promise<CurrentProtection | undefined> {
  const repository = `${owner}/${repo}`;
  let isProtected: boolean;
  try {
    const { data } = await github.rest.repos.getBranch({ owner, repo, branch });
    isProtected = data.protected;
  } catch (error) {
    if (httpStatus(error) === 404) {
      throw new UsageError(`${repository} has no branch ${branch} (or the token cannot see ${repository})`, {
        hint: `push the first commit to ${branch} (git push origin ${branch}), and use a token of an admin of ${repository}`,
        cause: error,
      });
    }
    return callGitHub(`read branch ${branch} of ${repository}`, () => {
      throw error;
    });
  }
  if (!isProtected) return undefined;
  const { data } = await adminCall(repository, `read the protection of ${branch} of ${repository}`, () =>
    github.rest.repos.getBranchProtection({ owner, repo, branch }),
  );
  return data as CurrentProtection;
}

/** A call that needs the repository's admin role: a 403/404 says so rather than "try again". */
async function adminCall<T>(repository: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403 || status === 404) {
      const said = githubMessage(error);
      throw new ExternalError(
        `GitHub refused to ${what} (HTTP ${status}${said === undefined ? "" : `: ${said}`})`,
        {
          status,
          hint: `branch protection needs a token of an administrator of ${repository} (GH_TOKEN), and a plan that offers it: GitHub Free protects branches of public repositories only (it answers 403 "Upgrade to GitHub Pro or make this repository public to enable this feature")`,
          cause: error,
        },
      );
    }
    return callGitHub(what, () => {
      throw error;
    });
  }
}

/** GitHub's own `message` in an error answer, when it sent one. */
function githubMessage(error: unknown): string | undefined {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  const message = (data as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" && message !== "" ? message.split("\n")[0] : undefined;
}
