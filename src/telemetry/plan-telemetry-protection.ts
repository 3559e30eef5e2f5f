import { botLogin } from "../enforcement/circuit-breaker.js";
import type { CurrentProtection, ProtectionBody, ProtectionPlan } from "../infra/plan-branch-protection.js";

/** Who may write the telemetry branch, and what the repository's owner allows. */
export interface TelemetryProtectionGoal {
  /** The App's slug: the only pusher where GitHub can restrict pushes. */
  app: string;
  /** Push restrictions exist only for repositories owned by an organization. */
  organization: boolean;
}

export interface TelemetryProtectionPlan extends ProtectionPlan {
  /** What was asked for but GitHub cannot enforce on this repository, and why. */
  not_enforceable: string[];
  /** Settings kept because they are stricter, that get in the way of writing records. */
  warnings: string[];
}

/**
 * Plans the protection of a telemetry repository's default branch: no force pushes, no deletion,
 * administrators included, and, on an organization's repository, pushes restricted to the App
 * (users, teams and Apps already listed stay listed). Every other setting already there is kept,
 * so a stricter branch stays as strict. Pure: a plan applied once plans nothing the second time.
 *
 * @example planTelemetryProtection(undefined, { app: "task-assistant", organization: true }).changes
 *   // ["refuse force pushes", "refuse deleting the branch", "apply the rules to administrators",
 *   //  "let only the App task-assistant push"]
 */
export function planTelemetryProtection(
  current: CurrentProtection | undefined,
  goal: TelemetryProtectionGoal,
): TelemetryProtectionPlan {
  const on = (flag: { enabled?: boolean } | null | undefined) => flag?.enabled === true;
  const checks = current?.required_status_checks ?? null;
  const reviews = current?.required_pull_request_reviews ?? null;
  const existing = current?.restrictions ?? null;
  const apps = (existing?.apps ?? []).flatMap((app) => (app.slug === undefined ? [] : [app.slug]));
  const users = (existing?.users ?? []).map((user) => user.login);
  const teams = (existing?.teams ?? []).map((team) => team.slug);
  const appListed = apps.some((slug) => slug.toLowerCase() === goal.app.toLowerCase());
  const restrictions = goal.organization
    ? { users, teams, apps: appListed ? apps : [...apps, goal.app] }
    : null;
  const body: ProtectionBody = {
    required_status_checks:
      checks === null ? null : { strict: checks.strict === true, contexts: checks.contexts ?? [] },
    enforce_admins: true,
    required_pull_request_reviews:
      reviews === null
        ? null
        : {
            dismiss_stale_reviews: reviews.dismiss_stale_reviews === true,
            require_code_owner_reviews: reviews.require_code_owner_reviews === true,
            required_approving_review_count: reviews.required_approving_review_count ?? 1,
            require_last_push_approval: reviews.require_last_push_approval === true,
          },
    restrictions,
    required_linear_history: on(current?.required_linear_history),
    allow_force_pushes: false,
    allow_deletions: false,
    block_creations: on(current?.block_creations),
    required_conversation_resolution: on(current?.required_conversation_resolution),
    lock_branch: on(current?.lock_branch),
    allow_fork_syncing: on(current?.allow_fork_syncing),
  };

  const changes: string[] = [];
  if (current === undefined || on(current.allow_force_pushes)) changes.push("refuse force pushes");
  if (current === undefined || on(current.allow_deletions)) changes.push("refuse deleting the branch");
  if (!on(current?.enforce_admins)) changes.push("apply the rules to administrators");
  if (goal.organization && !appListed) changes.push(`let only the App ${goal.app} push`);

  const others = [
    ...users,
    ...teams.map((team) => `team ${team}`),
    ...apps.filter((slug) => slug !== goal.app),
  ];
  const settings = [
    "no force pushes",
    "no deletion",
    "administrators included",
    ...(goal.organization
      ? [
          `pushes only by ${botLogin(goal.app)}${others.length === 0 ? "" : ` and those already listed: ${others.join(", ")}`}`,
        ]
      : []),
    ...(checks === null ? [] : [`status checks kept: ${(checks.contexts ?? []).join(", ") || "(none)"}`]),
    ...(reviews === null ? [] : ["pull request reviews kept"]),
    ...(on(current?.lock_branch) ? ["branch lock kept"] : []),
  ];

  const notEnforceable = [
    ...(goal.organization
      ? []
      : [
          `only the App may push: push restrictions exist only for organization-owned repositories (GitHub answers 422 "Only organization repositories can have users and team restrictions" for a user's); anyone with write access can still add commits, though not force-push or delete the branch`,
        ]),
    "a repository administrator can still change or remove the protection itself: GitHub has no branch protection an administrator cannot lift",
  ];
  const warnings = [
    ...(reviews === null && !(checks !== null && (checks.contexts ?? []).length > 0)
      ? []
      : [
          "the branch requires pull requests or status checks: GitHub refuses the App's direct record writes until that requirement is removed",
        ]),
    ...(on(current?.lock_branch)
      ? ["the branch is locked: GitHub refuses every write, the App's records included"]
      : []),
  ];
  return {
    body: changes.length === 0 ? undefined : body,
    changes,
    settings,
    not_enforceable: notEnforceable,
    warnings,
  };
}
