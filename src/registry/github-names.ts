/**
 * GitHub's naming rules for accounts (users and organisations) and repositories. The registry
 * accepts only names GitHub itself would accept, so a typo cannot register something that can
 * never match a real repository.
 */

/** 1–39 characters, letters, digits and single hyphens, no hyphen at either end. */
export const OWNER_NAME_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$";
/** 1–100 characters of letters, digits, `.`, `_`, `-`; not `.` or `..`; not ending in `.git`. */
export const REPO_NAME_PATTERN = "^(?!\\.\\.?$)(?!.*\\.git$)[A-Za-z0-9._-]{1,100}$";

const OWNER = new RegExp(OWNER_NAME_PATTERN);
const REPO = new RegExp(REPO_NAME_PATTERN);

export function isValidOwnerName(name: string): boolean {
  return OWNER.test(name);
}

export function isValidRepoName(name: string): boolean {
  return REPO.test(name);
}

/** Why `name` is not a valid owner name, or undefined when it is. */
export function ownerNameProblem(name: string): string | undefined {
  if (OWNER.test(name)) return undefined;
  if (name.length === 0) return "the owner name is empty";
  if (name.length > 39) return `"${name}" is longer than 39 characters, GitHub's limit for account names`;
  return `"${name}" is not a valid GitHub owner name (letters, digits and single hyphens, not at either end)`;
}

/** Why `name` is not a valid repository name, or undefined when it is. */
export function repoNameProblem(name: string): string | undefined {
  if (REPO.test(name)) return undefined;
  if (name.length === 0) return "the repository name is empty";
  if (name.length > 100)
    return `"${name}" is longer than 100 characters, GitHub's limit for repository names`;
  if (name === "." || name === "..") return `"${name}" is reserved and cannot name a repository`;
  if (name.endsWith(".git")) return `"${name}" ends in ".git", which GitHub strips from repository names`;
  return `"${name}" is not a valid GitHub repository name (letters, digits, ".", "_" and "-" only)`;
}
