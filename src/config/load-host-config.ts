import { ExternalError, ValidationError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { HOST_CONFIG_PATH } from "./config-model.js";
import { DEFAULT_YAML_LIMITS } from "./yaml-limits.js";

/**
 * The host config file as read from the target repository, the fact that it is not there, or its
 * size when it is over the limit (then its content was not decoded).
 */
export type HostConfigSource =
  | { status: "found"; path: string; ref?: string; sha: string; text: string }
  | { status: "too-large"; path: string; ref?: string; sha: string; bytes: number | undefined }
  | { status: "missing"; path: string; ref?: string };

export interface ConfigLocation {
  owner: string;
  repo: string;
  /** A branch, tag or SHA (a pull request's head); the repository's default branch when absent. */
  ref?: string;
}

/**
 * Reads `.github/task-assistant.yml` of the **target** repository through the contents API — never
 * a config shipped with Task Assistant itself. A 404 means "missing"; any other failure is an
 * `ExternalError` carrying the HTTP status.
 *
 * @example const source = await loadHostConfig(github, { owner: "acme", repo: "widgets" });
 */
export async function loadHostConfig(
  github: GitHub,
  location: ConfigLocation,
  maxBytes = DEFAULT_YAML_LIMITS.maxBytes,
): Promise<HostConfigSource> {
  const where = location.ref === undefined ? {} : { ref: location.ref };
  let data: unknown;
  try {
    ({ data } = await github.rest.repos.getContent({
      owner: location.owner,
      repo: location.repo,
      path: HOST_CONFIG_PATH,
      ...where,
    }));
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) return { status: "missing", path: HOST_CONFIG_PATH, ...where };
    throw new ExternalError(
      `could not read ${HOST_CONFIG_PATH} from ${location.owner}/${location.repo}` +
        `${location.ref === undefined ? "" : ` at ${location.ref}`}: ${messageOf(error)}`,
      {
        ...(status === undefined ? {} : { status }),
        hint: "check that the App is installed on the repository with contents read access",
        cause: error,
      },
    );
  }
  const file = data as { type?: string; sha?: string; size?: unknown; content?: string; encoding?: string };
  if (Array.isArray(data) || file.type !== "file" || typeof file.sha !== "string") {
    throw new ValidationError(`${HOST_CONFIG_PATH} is not a file`, [
      { path: "", file: HOST_CONFIG_PATH, message: "expected a YAML file, found a directory or link" },
    ]);
  }
  const origin = { path: HOST_CONFIG_PATH, ...where, sha: file.sha };
  // The size GitHub states is checked before the content is decoded; over 1 MB GitHub sends no
  // content at all (`encoding: "none"`), which is over the limit too.
  const size = typeof file.size === "number" ? file.size : undefined;
  if (size !== undefined && size > maxBytes) return { status: "too-large", ...origin, bytes: size };
  if (file.encoding !== "base64" || typeof file.content !== "string") {
    return { status: "too-large", ...origin, bytes: size };
  }
  const bytes = Buffer.from(file.content, "base64");
  if (bytes.length > maxBytes) return { status: "too-large", ...origin, bytes: bytes.length };
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  return { status: "found", ...origin, text };
}

/** The HTTP status of an Octokit request error, if it is one. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
