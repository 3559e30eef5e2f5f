import type { GitHub } from "../github/octokit.js";
import { storedFailure } from "../telemetry/stored-failure.js";
import type { ConfigFact, RepoAccess, RepoFact } from "./preflight-facts.js";

/**
 * Read-only probes preflight makes. Each answers a fact, never throws for an HTTP status: a 404 is
 * "missing", anything else an "error" carrying the status.
 */

/** `GET /repos/{owner}/{repo}`: does the repository exist for this token, and what may the token do there. */
export async function probeRepo(github: GitHub, fullName: string): Promise<RepoFact> {
  const [owner, repo] = fullName.split("/");
  try {
    const { data } = await github.rest.repos.get({ owner, repo });
    return {
      kind: "found",
      access: accessFromPermissions(data.permissions),
      default_branch: data.default_branch,
    };
  } catch (error) {
    return failedProbe(error);
  }
}

/** Whether `path` exists in the repository at `ref` (its default branch when undefined). */
export async function probeFile(
  github: GitHub,
  fullName: string,
  path: string,
  ref: string | undefined,
): Promise<ConfigFact> {
  const [owner, repo] = fullName.split("/");
  try {
    const { data } = await github.rest.repos.getContent({
      owner,
      repo,
      path,
      ...(ref === undefined ? {} : { ref }),
    });
    if (Array.isArray(data) || data.type !== "file") return { kind: "absent", path, ref };
    return { kind: "present", path, ref };
  } catch (error) {
    const failed = failedProbe(error);
    return failed.kind === "missing"
      ? { kind: "absent", path, ref }
      : { kind: "error", path, status: statusOf(error), message: messageOf(error) };
  }
}

/**
 * The repository `permissions` GitHub reports for the calling token, as contents/issues levels:
 * push (or maintain, admin) writes contents; triage or better writes issues; pull reads both.
 */
export function accessFromPermissions(permissions: Partial<Record<string, boolean>> | undefined): RepoAccess {
  if (permissions === undefined) return { contents: "none", issues: "none" };
  const write = permissions.admin === true || permissions.maintain === true || permissions.push === true;
  const triage = write || permissions.triage === true;
  const read = triage || permissions.pull === true;
  return {
    contents: write ? "write" : read ? "read" : "none",
    issues: triage ? "write" : read ? "read" : "none",
  };
}

function failedProbe(error: unknown): Extract<RepoFact, { kind: "missing" | "error" }> {
  const status = statusOf(error);
  if (status === 404) return { kind: "missing", status };
  return { kind: "error", status, message: messageOf(error) };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** Goes into preflight's immutable record: safe facts only, never the error's message. */
function messageOf(error: unknown): string {
  return storedFailure(error);
}
