/** The repository a GitHub Actions `sub` claim names, with the immutable ids when the format has them. */
export interface Subject {
  readonly repository: string;
  readonly ownerId: string | undefined;
  readonly repositoryId: string | undefined;
  /** What follows the repository: `ref:refs/heads/main`, `environment:prod`, `pull_request`, ... */
  readonly context: string;
}

// Classic: `repo:octo-org/octo-repo:ref:refs/heads/main`. Immutable (repositories created or renamed
// since 2026-07-15): `repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main`.
const SUBJECT = /^repo:([A-Za-z0-9-]+)(?:@(\d+))?\/([A-Za-z0-9._-]+?)(?:@(\d+))?:(.+)$/;

/**
 * Parses the default `sub` of a GitHub Actions OIDC token in either format; undefined for anything
 * else (a customised subject template is not accepted: the broker decides on ids, not on templates).
 *
 * @example parseSubject("repo:acme@1/widgets@2:ref:refs/heads/main")
 *   // { repository: "acme/widgets", ownerId: "1", repositoryId: "2", context: "ref:refs/heads/main" }
 */
export function parseSubject(sub: string): Subject | undefined {
  const match = SUBJECT.exec(sub);
  if (match === null) return undefined;
  const [, owner, ownerId, name, repositoryId, context] = match;
  // Both ids or neither: half an immutable subject is not a format GitHub emits.
  if ((ownerId === undefined) !== (repositoryId === undefined)) return undefined;
  return { repository: `${owner}/${name}`, ownerId, repositoryId, context };
}
