/**
 * What `infra protect` asks of the infra repository's `main`: changes land only through pull
 * requests (with `approvals` approving reviews), for administrators too, and the branch can be
 * neither force-pushed nor deleted. Settings already there that are stricter are kept.
 */
export interface ProtectionGoal {
  approvals: number;
}

/** The parts of GitHub's `GET .../branches/{branch}/protection` answer the plan reads. */
export interface CurrentProtection {
  required_status_checks?: { strict?: boolean; contexts?: string[] } | null;
  required_pull_request_reviews?: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
  } | null;
  enforce_admins?: { enabled?: boolean } | null;
  restrictions?: {
    users?: Array<{ login: string }>;
    teams?: Array<{ slug: string }>;
    apps?: Array<{ slug?: string }>;
  } | null;
  required_linear_history?: { enabled?: boolean };
  allow_force_pushes?: { enabled?: boolean };
  allow_deletions?: { enabled?: boolean };
  block_creations?: { enabled?: boolean };
  required_conversation_resolution?: { enabled?: boolean };
  lock_branch?: { enabled?: boolean };
  allow_fork_syncing?: { enabled?: boolean };
}

/** The body of `PUT .../branches/{branch}/protection` (GitHub's names). */
export interface ProtectionBody {
  required_status_checks: { strict: boolean; contexts: string[] } | null;
  enforce_admins: boolean;
  required_pull_request_reviews: {
    dismiss_stale_reviews: boolean;
    require_code_owner_reviews: boolean;
    required_approving_review_count: number;
    require_last_push_approval: boolean;
  } | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  required_linear_history: boolean;
  allow_force_pushes: boolean;
  allow_deletions: boolean;
  block_creations: boolean;
  required_conversation_resolution: boolean;
  lock_branch: boolean;
  allow_fork_syncing: boolean;
}

export interface ProtectionPlan {
  /** The protection to PUT, or undefined when the branch already has everything asked for. */
  body: ProtectionBody | undefined;
  /** One line per setting that changes (empty when nothing does). */
  changes: string[];
  /** The settings in force once the plan is applied, as lines for the report. */
  settings: string[];
}

/**
 * Plans the protection of one branch from what it has now (`undefined`: unprotected). Pure: the
 * same current state and goal give the same plan, and a plan applied once plans nothing the
 * second time.
 *
 * @example planBranchProtection(undefined, { approvals: 1 }).changes
 *   // ["require a pull request with 1 approving review", "apply the rules to administrators", ...]
 */
export function planBranchProtection(
  current: CurrentProtection | undefined,
  goal: ProtectionGoal,
): ProtectionPlan {
  const reviews = current?.required_pull_request_reviews ?? null;
  const currentApprovals = reviews?.required_approving_review_count ?? 0;
  const approvals = reviews === null ? goal.approvals : Math.max(currentApprovals, goal.approvals);
  const on = (flag: { enabled?: boolean } | null | undefined) => flag?.enabled === true;
  const checks = current?.required_status_checks ?? null;
  const restrictions = current?.restrictions ?? null;
  const body: ProtectionBody = {
    required_status_checks:
      checks === null ? null : { strict: checks.strict === true, contexts: checks.contexts ?? [] },
    enforce_admins: true,
    required_pull_request_reviews: {
      dismiss_stale_reviews: reviews?.dismiss_stale_reviews === true,
      require_code_owner_reviews: reviews?.require_code_owner_reviews === true,
      required_approving_review_count: approvals,
      require_last_push_approval: reviews?.require_last_push_approval === true,
    },
    restrictions:
      restrictions === null
        ? null
        : {
            users: (restrictions.users ?? []).map((user) => user.login),
            teams: (restrictions.teams ?? []).map((team) => team.slug),
            apps: (restrictions.apps ?? []).flatMap((app) => (app.slug === undefined ? [] : [app.slug])),
          },
    required_linear_history: on(current?.required_linear_history),
    allow_force_pushes: false,
    allow_deletions: false,
    block_creations: on(current?.block_creations),
    required_conversation_resolution: on(current?.required_conversation_resolution),
    lock_branch: on(current?.lock_branch),
    allow_fork_syncing: on(current?.allow_fork_syncing),
  };

  const reviewsLine = `require a pull request with ${approvals} approving review${approvals === 1 ? "" : "s"}`;
  const changes: string[] = [];
  if (reviews === null || currentApprovals < approvals) changes.push(reviewsLine);
  if (!on(current?.enforce_admins)) changes.push("apply the rules to administrators");
  if (current === undefined || on(current.allow_force_pushes)) changes.push("refuse force pushes");
  if (current === undefined || on(current.allow_deletions)) changes.push("refuse deleting the branch");

  const settings = [
    reviewsLine,
    "administrators included",
    "no force pushes",
    "no deletion",
    ...(checks === null ? [] : [`status checks kept: ${(checks.contexts ?? []).join(", ") || "(none)"}`]),
    ...(restrictions === null ? [] : ["push restrictions kept"]),
  ];
  return { body: changes.length === 0 ? undefined : body, changes, settings };
}
