/** A GITHUB_TOKEN permission level. */
export type PermissionLevel = "none" | "read" | "write";
/** Scope → level for every scope a workflow can name. */
export type JobPermissions = Readonly<Record<string, PermissionLevel>>;

/** The scopes `permissions:` can name (GitHub's workflow syntax). */
export const PERMISSION_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

function all(level: PermissionLevel): JobPermissions {
  return Object.fromEntries(
    PERMISSION_SCOPES.map((scope) => [
      scope,
      // id-token and models know no `read-all`/`write-all` meaning beyond their own levels.
      scope === "id-token" ? (level === "write" ? "write" : "none") : level,
    ]),
  );
}

/** The repository setting "Workflow permissions": restricted (read contents and packages) or permissive. */
export function defaultPermissions(setting: "restricted" | "permissive"): JobPermissions {
  if (setting === "permissive") return { ...all("write"), "id-token": "none" };
  return { ...all("none"), contents: "read", packages: "read" };
}

/**
 * Turns an evaluated `permissions:` value into levels for every scope: `read-all`, `write-all`,
 * `{}` (nothing) or a mapping where unnamed scopes are `none`.
 */
export function resolvePermissions(value: unknown): JobPermissions {
  if (value === "read-all") return all("read");
  if (value === "write-all") return all("write");
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`permissions must be read-all, write-all or a mapping, not ${JSON.stringify(value)}`);
  }
  const result: Record<string, PermissionLevel> = { ...all("none") };
  for (const [scope, level] of Object.entries(value as Record<string, unknown>)) {
    if (level !== "none" && level !== "read" && level !== "write") {
      throw new Error(`permissions.${scope} must be read, write or none`);
    }
    result[scope] = level;
  }
  return result;
}

/**
 * What a job of a called workflow asks for beyond what its caller allows, in GitHub's words
 * ("The nested job 'x' is requesting 'id-token: write', but is only allowed 'id-token: none'.").
 * Empty when it stays within the ceiling.
 */
export function permissionExcesses(
  job: string,
  requested: JobPermissions,
  allowed: JobPermissions,
): string[] {
  return Object.entries(requested)
    .filter(([scope, level]) => RANK[level] > RANK[allowed[scope] ?? "none"])
    .map(
      ([scope, level]) =>
        `The nested job '${job}' is requesting '${scope}: ${level}', but is only allowed '${scope}: ${allowed[scope] ?? "none"}'.`,
    );
}

/**
 * Whether an event is a pull request from a fork (its head repository is not the base repository),
 * for which GitHub grants a read-only GITHUB_TOKEN, no ID token and no secrets but GITHUB_TOKEN.
 */
export function isForkPullRequest(
  eventName: string,
  payload: Readonly<Record<string, unknown>>,
  repository: string,
): boolean {
  if (
    eventName !== "pull_request" &&
    eventName !== "pull_request_review" &&
    eventName !== "pull_request_review_comment"
  )
    return false;
  const head = (payload.pull_request as { head?: { repo?: { full_name?: unknown } | null } } | undefined)
    ?.head;
  const name = head?.repo?.full_name;
  return typeof name !== "string" || name.toLowerCase() !== repository.toLowerCase();
}

/** What a job of a fork's pull request gets: every write lowered to read, and no ID token (pure). */
export function forkPermissions(permissions: JobPermissions): JobPermissions {
  return Object.fromEntries(
    Object.entries(permissions).map(([scope, level]) => [
      scope,
      scope === "id-token" ? "none" : level === "write" ? "read" : level,
    ]),
  );
}
