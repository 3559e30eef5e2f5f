/**
 * The local GitHub's data model. Plain JSON-serialisable records (timestamps in epoch milliseconds,
 * references by id) so a snapshot is `JSON.stringify` of them and a restart rebuilds the indexes.
 */

/** Repository roles, weakest first, as GitHub names them in `permissions`. */
export const REPO_ROLES = ["pull", "triage", "push", "maintain", "admin"] as const;
export type RepoRole = (typeof REPO_ROLES)[number];

/** A GitHub App permission level. `admin` exists only for a few permissions (e.g. organization_administration). */
export type PermissionLevel = "read" | "write" | "admin";
export type AppPermissions = Record<string, PermissionLevel>;

export interface Account {
  id: number;
  login: string;
  type: "User" | "Organization" | "Bot";
  name: string | null;
  email: string | null;
  siteAdmin: boolean;
  createdAt: number;
  /** Organizations: members by lower-case login. */
  members?: Record<string, "admin" | "member">;
  /** Organizations: the role every member has on every repository of the org. */
  defaultRepositoryPermission?: "read" | "write" | "admin" | "none";
  /** Bots: the App they act for. */
  appId?: number;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
}

export interface Milestone {
  id: number;
  number: number;
  title: string;
  description: string | null;
  state: "open" | "closed";
  dueOn: number | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  creatorId: number;
}

export interface IssueComment {
  id: number;
  body: string;
  userId: number;
  createdAt: number;
  updatedAt: number;
}

export type IssueEventName =
  | "closed"
  | "reopened"
  | "labeled"
  | "unlabeled"
  | "milestoned"
  | "demilestoned"
  | "assigned"
  | "unassigned"
  | "renamed"
  | "merged"
  | "referenced"
  | "head_ref_deleted";

export interface IssueEvent {
  id: number;
  event: IssueEventName;
  actorId: number;
  createdAt: number;
  label?: { name: string; color: string };
  milestone?: { title: string };
  assigneeId?: number;
  rename?: { from: string; to: string };
  commitId?: string | null;
  stateReason?: string | null;
}

export type AuthorAssociation = "OWNER" | "MEMBER" | "COLLABORATOR" | "CONTRIBUTOR" | "NONE";

export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  userId: number;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  labelIds: number[];
  milestoneNumber: number | null;
  assigneeIds: number[];
  locked: boolean;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  closedById: number | null;
  /** A pull request's issue half: listed with a `pull_request` key. */
  isPull: boolean;
  authorAssociation: AuthorAssociation;
  comments: IssueComment[];
  events: IssueEvent[];
}

export interface PullRequest {
  number: number;
  id: number;
  headRef: string;
  baseRef: string;
  /** The head and base commits as they were when the pull request last changed state. */
  headSha: string;
  baseSha: string;
  draft: boolean;
  maintainerCanModify: boolean;
  merged: boolean;
  mergedAt: number | null;
  mergedById: number | null;
  mergeCommitSha: string | null;
}

/** Classic branch protection, normalised from the PUT body. */
export interface BranchProtection {
  requiredStatusChecks: { strict: boolean; contexts: string[] } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: {
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requiredApprovingReviewCount: number;
    requireLastPushApproval: boolean;
  } | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  requiredConversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
}

export interface Repo {
  id: number;
  ownerId: number;
  name: string;
  private: boolean;
  description: string | null;
  homepage: string | null;
  defaultBranch: string;
  archived: boolean;
  createdAt: number;
  updatedAt: number;
  pushedAt: number | null;
  /** Explicit collaborators: user id → role. */
  collaborators: Record<string, RepoRole>;
  labels: Label[];
  milestones: Milestone[];
  /** Issues and pull requests share one numbering: `issues[n - 1]` is number `n`. */
  issues: Issue[];
  pulls: PullRequest[];
  protections: Record<string, BranchProtection>;
  nextMilestoneNumber: number;
}

export interface App {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  ownerId: number;
  clientId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  permissions: AppPermissions;
  events: string[];
  createdAt: number;
  updatedAt: number;
  /** The `<slug>[bot]` account its installation tokens act as. */
  botId: number;
}

export interface Installation {
  id: number;
  appId: number;
  accountId: number;
  repositorySelection: "all" | "selected";
  repositoryIds: number[];
  permissions: AppPermissions;
  events: string[];
  createdAt: number;
  updatedAt: number;
  suspendedAt: number | null;
}

export interface TokenRecord {
  token: string;
  kind: "user" | "installation";
  userId?: number;
  installationId?: number;
  /** Installation tokens narrowed at creation to these repositories (undefined: the installation's). */
  repositoryIds?: number[];
  /** Installation tokens: the granted permissions (already narrowed). */
  permissions?: AppPermissions;
  expiresAt?: number;
  createdAt: number;
  /** A per-token primary rate limit overriding the server's. */
  rateLimit?: number;
}

/** A signing key of the local GitHub's Actions OIDC issuer (`/_emulator/oidc`). */
export interface OidcSigningKey {
  kid: string;
  privateKeyPem: string;
  createdAt: number;
}

export interface Limits {
  /** Requests per hour per token (GitHub: 5,000 for users, 5,000+ for installations). */
  primaryPerHour: number;
  /** Requests per hour without a token (GitHub: 60). */
  unauthenticatedPerHour: number;
  /** Content-creating requests per minute and per hour per token (GitHub: 80 and 500). */
  contentCreationPerMinute: number;
  contentCreationPerHour: number;
}

export const DEFAULT_LIMITS: Limits = {
  primaryPerHour: 5000,
  unauthenticatedPerHour: 60,
  contentCreationPerMinute: 80,
  contentCreationPerHour: 500,
};

export interface StateSnapshot {
  version: 1;
  adminToken: string;
  nextId: number;
  accounts: Account[];
  repos: Repo[];
  apps: App[];
  installations: Installation[];
  tokens: TokenRecord[];
  limits: Limits;
  /** Results of the seeds applied so far, by the SHA-256 of their canonical JSON. */
  appliedSeeds?: Record<string, unknown>;
  /** The last state-journal line this snapshot contains (lines up to it are not replayed again). */
  journalSeq?: number;
  /** The OIDC issuer's signing keys, oldest first; the last one signs. */
  oidcKeys?: OidcSigningKey[];
}
