import type { BranchProtection, Repo } from "../state/types.js";

export type RefOperation = "update" | "force" | "delete";

/** The login an App's installation tokens act as (`<slug>[bot]`), which push restrictions name by slug. */
export function appBotLogin(slug: string): string {
  return `${slug}[bot]`;
}

/**
 * What classic branch protection forbids on a branch. Direct updates are blocked when the branch
 * requires pull request reviews, passing status checks, is locked, or restricts who may push (then
 * the listed users and Apps may still push: `why` is "restricted"); force pushes and deletions are
 * blocked unless allowed, for everyone.
 */
export function blockedOperations(protection: BranchProtection): {
  operations: Set<RefOperation>;
  allowedPushers: string[];
  /** Why a direct update is refused: a pull request is required, or the pusher is not listed. */
  why: "pull-request" | "restricted" | undefined;
} {
  const operations = new Set<RefOperation>();
  const gated =
    protection.requiredPullRequestReviews !== null ||
    (protection.requiredStatusChecks !== null && protection.requiredStatusChecks.contexts.length > 0) ||
    protection.lockBranch;
  if (gated || protection.restrictions !== null) operations.add("update");
  if (operations.has("update") || !protection.allowForcePushes) operations.add("force");
  if (!protection.allowDeletions) operations.add("delete");
  const allowedPushers =
    !gated && protection.restrictions !== null
      ? [...protection.restrictions.users, ...protection.restrictions.apps.map(appBotLogin)]
      : [];
  const why = gated ? "pull-request" : protection.restrictions !== null ? "restricted" : undefined;
  return { operations, allowedPushers, why };
}

/** GitHub's words for a direct update a protected branch refuses. */
const UPDATE_REFUSAL = {
  "pull-request": "Changes must be made through a pull request.",
  restricted: "You're not authorized to push to this branch.",
} as const;

/**
 * GitHub's refusal for `operation` on a protected branch by `pusher`, or undefined when allowed.
 * Repository admins bypass protection unless `enforce_admins` is on, as on GitHub.
 */
export function protectionRefusal(
  protection: BranchProtection | undefined,
  operation: RefOperation,
  pusher: { login: string; isAdmin: boolean },
): string | undefined {
  if (!protection) return undefined;
  if (pusher.isAdmin && !protection.enforceAdmins) return undefined;
  const { operations, allowedPushers, why } = blockedOperations(protection);
  if (
    operation === "update" &&
    allowedPushers.some((login) => login.toLowerCase() === pusher.login.toLowerCase())
  ) {
    return undefined;
  }
  if (!operations.has(operation)) return undefined;
  switch (operation) {
    case "update":
      return UPDATE_REFUSAL[why ?? "pull-request"];
    case "force":
      return "Cannot force-push to this branch";
    case "delete":
      return "Cannot delete this branch";
  }
}

/** The rules file the pre-receive hook reads (see `PRE_RECEIVE_HOOK`). */
export function protectionRulesFile(repo: Repo): string {
  return Object.entries(repo.protections)
    .map(([branch, protection]) => {
      const { operations, allowedPushers, why } = blockedOperations(protection);
      const ops = operations.size === 0 ? "-" : [...operations].join(",");
      const allowed = allowedPushers.length === 0 ? "-" : allowedPushers.join(",");
      return `refs/heads/${branch} ${ops} ${protection.enforceAdmins ? 1 : 0} ${allowed} ${why ?? "-"}\n`;
    })
    .join("");
}
