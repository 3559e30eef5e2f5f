import { ExternalError } from "../errors.js";

const SHA = /^[0-9a-f]{40}$/;

/**
 * Resolves a branch, tag, full ref or SHA against the output of `git ls-remote <remote>`, as
 * GitHub resolves `@ref` in `uses:`: a SHA stands for itself, a name is tried as a branch, then as
 * a tag (an annotated tag peels to its commit).
 */
export function resolveRemoteRef(
  listing: string,
  wanted: string,
  where: string,
): { ref: string; sha: string } {
  if (SHA.test(wanted)) return { ref: wanted, sha: wanted };
  const lines = listing
    .trim()
    .split("\n")
    .filter((line) => line.includes("\t"))
    .map((line) => line.split("\t") as [string, string]);
  const candidates = wanted.startsWith("refs/") ? [wanted] : [`refs/heads/${wanted}`, `refs/tags/${wanted}`];
  const found = candidates
    .map((name) => lines.find(([, listed]) => listed === name))
    .find((line) => line !== undefined);
  if (found === undefined) {
    throw new ExternalError(`a branch or tag with the name '${wanted}' could not be found in ${where}`, {
      hint: "push the branch or tag, or name an existing one",
    });
  }
  const ref = found[1];
  return { ref, sha: lines.find(([, listed]) => listed === `${ref}^{}`)?.[0] ?? found[0] };
}
