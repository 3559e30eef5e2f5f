import type { BranchProtection, Repo } from "../state/types.js";
import type { RenderContext } from "./render-context.js";
import { repoApiUrl } from "./render-repo.js";
import { renderApp } from "./render-app.js";
import { renderSimpleUser } from "./render-user.js";

/** The API URL of a branch's protection. */
export function protectionUrl(ctx: RenderContext, repo: Repo, branch: string): string {
  return `${repoApiUrl(ctx, repo)}/branches/${encodeURIComponent(branch)}/protection`;
}

/** The `protected-branch` shape `GET|PUT .../branches/{branch}/protection` answers. */
export function renderProtection(
  ctx: RenderContext,
  repo: Repo,
  branch: string,
  protection: BranchProtection,
) {
  const url = protectionUrl(ctx, repo, branch);
  const enabled = (value: boolean) => ({ enabled: value });
  const users = (protection.restrictions?.users ?? [])
    .map((login) => ctx.state.account(login))
    .filter((account) => account !== undefined)
    .map((account) => renderSimpleUser(ctx, account));
  return {
    url,
    ...(protection.requiredStatusChecks
      ? {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: protection.requiredStatusChecks.strict,
            contexts: protection.requiredStatusChecks.contexts,
            contexts_url: `${url}/required_status_checks/contexts`,
            checks: protection.requiredStatusChecks.contexts.map((context) => ({ context, app_id: null })),
          },
        }
      : {}),
    ...(protection.requiredPullRequestReviews
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: protection.requiredPullRequestReviews.dismissStaleReviews,
            require_code_owner_reviews: protection.requiredPullRequestReviews.requireCodeOwnerReviews,
            required_approving_review_count:
              protection.requiredPullRequestReviews.requiredApprovingReviewCount,
            require_last_push_approval: protection.requiredPullRequestReviews.requireLastPushApproval,
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: protection.enforceAdmins },
    required_linear_history: enabled(protection.requiredLinearHistory),
    allow_force_pushes: enabled(protection.allowForcePushes),
    allow_deletions: enabled(protection.allowDeletions),
    block_creations: enabled(protection.blockCreations),
    required_conversation_resolution: enabled(protection.requiredConversationResolution),
    lock_branch: enabled(protection.lockBranch),
    allow_fork_syncing: enabled(protection.allowForkSyncing),
    ...(protection.restrictions
      ? {
          restrictions: {
            url: `${url}/restrictions`,
            users_url: `${url}/restrictions/users`,
            teams_url: `${url}/restrictions/teams`,
            apps_url: `${url}/restrictions/apps`,
            users,
            teams: [],
            apps: protection.restrictions.apps
              .map((slug) => ctx.state.appBySlug(slug))
              .filter((app) => app !== undefined)
              // The restriction policy's App shape has a string description, never null.
              .map((app) => ({ ...renderApp(ctx, app), description: app.description ?? "" })),
          },
        }
      : {}),
  };
}

/** The short `protection` summary embedded in branch answers. */
export function renderProtectionSummary(protection: BranchProtection | undefined) {
  const checks = protection?.requiredStatusChecks;
  return {
    enabled: protection !== undefined,
    required_status_checks: {
      enforcement_level: checks ? (protection?.enforceAdmins ? "everyone" : "non_admins") : "off",
      contexts: checks?.contexts ?? [],
      checks: (checks?.contexts ?? []).map((context) => ({ context, app_id: null })),
    },
  };
}
