import type { BranchProtection } from "../state/types.js";

const bool = (value: unknown) => value === true;
const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((item) => typeof item === "string") : [];

/** A branch-protection PUT body (or seed entry) as stored; absent or null settings are off. */
export function normaliseProtection(body: Record<string, unknown>): BranchProtection {
  const checks = body.required_status_checks as Record<string, unknown> | null | undefined;
  const reviews = body.required_pull_request_reviews as Record<string, unknown> | null | undefined;
  const restrictions = body.restrictions as Record<string, unknown> | null | undefined;
  const checkContexts = Array.isArray(checks?.checks)
    ? (checks.checks as Array<{ context?: unknown }>)
        .map((check) => check.context)
        .filter((c) => typeof c === "string")
    : [];
  return {
    requiredStatusChecks: checks
      ? {
          strict: bool(checks.strict),
          contexts: [...strings(checks.contexts), ...checkContexts],
        }
      : null,
    enforceAdmins: bool(body.enforce_admins),
    requiredPullRequestReviews: reviews
      ? {
          dismissStaleReviews: bool(reviews.dismiss_stale_reviews),
          requireCodeOwnerReviews: bool(reviews.require_code_owner_reviews),
          requiredApprovingReviewCount:
            typeof reviews.required_approving_review_count === "number"
              ? reviews.required_approving_review_count
              : 1,
          requireLastPushApproval: bool(reviews.require_last_push_approval),
        }
      : null,
    restrictions: restrictions
      ? {
          users: strings(restrictions.users),
          teams: strings(restrictions.teams),
          apps: strings(restrictions.apps),
        }
      : null,
    requiredLinearHistory: bool(body.required_linear_history),
    allowForcePushes: bool(body.allow_force_pushes),
    allowDeletions: bool(body.allow_deletions),
    blockCreations: bool(body.block_creations),
    requiredConversationResolution: bool(body.required_conversation_resolution),
    lockBranch: bool(body.lock_branch),
    allowForkSyncing: bool(body.allow_fork_syncing),
  };
}
