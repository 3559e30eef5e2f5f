import { sameGitHubName } from "../registry/github-names.js";

/**
 * GitHub's naming rules for owners and repositories, checked before a name is used in a URL, a
 * telemetry path or a workflow input.
 */
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export interface RepoName {
  owner: string;
  repo: string;
}

/** Parses `owner/repo`, or returns undefined when either part breaks GitHub's rules. */
export function parseRepoName(fullName: string): RepoName | undefined {
  const parts = fullName.split("/");
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts;
  if (!OWNER_PATTERN.test(owner) || !REPO_PATTERN.test(repo) || repo === "." || repo === "..")
    return undefined;
  return { owner, repo };
}

/** Same repository (`owner/repo`)? GitHub's rule, `sameGitHubName`: case-insensitive. */
export function sameRepo(a: string, b: string): boolean {
  return sameGitHubName(a, b);
}

/** Same owner (of `owner` or `owner/repo`)? GitHub's rule, `sameGitHubName`: case-insensitive. */
export function sameOwner(a: string, b: string): boolean {
  return sameGitHubName(a.split("/")[0], b.split("/")[0]);
}
