import { HttpError, notAccessibleByIntegration, notFound } from "../http/http-error.js";
import type { EmulatorState } from "../state/emulator-state.js";
import type { Installation, Repo, RepoRole } from "../state/types.js";
import { REPO_ROLES } from "../state/types.js";
import type { Principal } from "./principal.js";

/** An App permission a route needs, and the repository role a user needs for the same thing. */
export interface Need {
  scope: "metadata" | "issues" | "contents" | "pull_requests" | "administration";
  level: "read" | "write";
  /** The role a user token needs; defaults to pull for reads and push for writes. */
  role?: RepoRole;
}

const rank = (role: RepoRole | undefined) => (role === undefined ? -1 : REPO_ROLES.indexOf(role));
const maxRole = (a: RepoRole | undefined, b: RepoRole | undefined) => (rank(a) >= rank(b) ? a : b);

/** Whether the installation covers the repository (its account and repository selection). */
export function installationCovers(installation: Installation, repo: Repo): boolean {
  if (installation.accountId !== repo.ownerId) return false;
  return installation.repositorySelection === "all" || installation.repositoryIds.includes(repo.id);
}

/** Whether an installation principal's token reaches the repository. */
export function tokenReaches(principal: Extract<Principal, { kind: "installation" }>, repo: Repo): boolean {
  if (!installationCovers(principal.installation, repo)) return false;
  return principal.repositoryIds === "all" || principal.repositoryIds.has(repo.id);
}

/**
 * The role a principal holds on a repository, as GitHub computes it for `permissions`: owner and org
 * admins are admin, org members get the org's base permission, collaborators their role, anyone
 * may pull a public repository. Installations map their permissions onto the nearest role.
 */
export function roleOf(state: EmulatorState, principal: Principal, repo: Repo): RepoRole | undefined {
  const publicRole: RepoRole | undefined = repo.private ? undefined : "pull";
  switch (principal.kind) {
    case "admin":
      return "admin";
    case "anonymous":
    case "app":
      return publicRole;
    case "user": {
      const user = principal.user;
      if (repo.ownerId === user.id) return "admin";
      let role: RepoRole | undefined = publicRole;
      const owner = state.accountOf(repo.ownerId);
      const membership = owner.members?.[user.login.toLowerCase()];
      if (membership === "admin") return "admin";
      if (membership === "member")
        role = maxRole(role, baseRole(owner.defaultRepositoryPermission ?? "read"));
      return maxRole(role, repo.collaborators[String(user.id)]);
    }
    case "installation": {
      if (!tokenReaches(principal, repo)) return publicRole;
      const p = principal.permissions;
      if (p.administration === "write") return "admin";
      if (p.contents === "write") return "push";
      if (p.issues === "write" || p.pull_requests === "write") return "triage";
      return "pull";
    }
  }
}

function baseRole(permission: "read" | "write" | "admin" | "none"): RepoRole | undefined {
  if (permission === "none") return undefined;
  return permission === "read" ? "pull" : permission === "write" ? "push" : "admin";
}

/**
 * The repository `owner/name` if the principal may do what `need` describes, otherwise GitHub's
 * answer: 404 for a repository it cannot see (private ones are invisible, not forbidden), 403
 * "Resource not accessible by integration" for an installation lacking the permission, 403 for a
 * user lacking admin on an admin route, 404 for a user lacking write elsewhere.
 */
export function requireRepo(
  state: EmulatorState,
  principal: Principal,
  owner: string,
  name: string,
  need: Need,
): Repo {
  const repo = state.repo(owner, name);
  if (!repo) throw notFound();
  assertAccess(state, principal, repo, need);
  return repo;
}

export function assertAccess(state: EmulatorState, principal: Principal, repo: Repo, need: Need): void {
  switch (principal.kind) {
    case "admin":
      return;
    case "anonymous":
      if (repo.private) throw notFound();
      if (need.level === "write") throw new HttpError(401, "Requires authentication");
      return;
    case "app":
      if (repo.private) throw notFound();
      if (need.level === "write") throw notAccessibleByIntegration();
      return;
    case "installation": {
      if (!tokenReaches(principal, repo)) {
        if (repo.private) throw notFound();
        if (need.level === "write") throw notAccessibleByIntegration();
        return;
      }
      if (need.scope === "metadata") return;
      const granted = principal.permissions[need.scope];
      if (granted === undefined || (need.level === "write" && granted === "read")) {
        throw notAccessibleByIntegration();
      }
      return;
    }
    case "user": {
      const role = roleOf(state, principal, repo);
      if (role === undefined) throw notFound();
      const required = need.role ?? (need.level === "read" ? "pull" : "push");
      if (rank(role) >= rank(required)) return;
      if (required === "admin") throw new HttpError(403, "Must have admin rights to Repository.");
      throw notFound();
    }
  }
}

/** Whether the principal holds at least `role` on the repository (installations through their permissions). */
export function holdsRole(state: EmulatorState, principal: Principal, repo: Repo, role: RepoRole): boolean {
  if (principal.kind === "admin") return true;
  return rank(roleOf(state, principal, repo)) >= rank(role);
}

/**
 * Whether the principal may set labels, assignees and a milestone on issues: users need push
 * access (GitHub silently drops them otherwise), installations the issues write permission.
 */
export function setsIssueMetadata(state: EmulatorState, principal: Principal, repo: Repo): boolean {
  return holdsRole(state, principal, repo, principal.kind === "installation" ? "triage" : "push");
}
