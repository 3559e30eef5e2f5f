import { ExternalError, TaskAssistantError, UsageError } from "../errors.js";
import { checkApiUrl, listLocalEndpoints, resolveApiEndpoint } from "../github/endpoint.js";
import { requestFailure, unreachableCode } from "../github/request-failure.js";
import { createGitHub, PUBLIC_GITHUB_API, type GitHub } from "../github/octokit.js";
import { redactUrl } from "../util/redact-url.js";
import { git } from "./git.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The GitHub client for the PR helpers: token from `GH_TOKEN` or `GITHUB_TOKEN`; API base URL from
 * `GITHUB_API_URL`, else the API that serves origin (api.github.com for github.com, the local GitHub
 * when origin is on it), so the REST calls always go where the branch is pushed.
 */
export async function infraGitHub(
  env: Env,
  root: string,
  options: { fetch?: typeof globalThis.fetch } = {},
): Promise<GitHub> {
  const token = operatorToken(env);
  const fromEnv = env.GITHUB_API_URL?.trim();
  const baseUrl = fromEnv ? checkApiUrl(fromEnv) : await apiServingOrigin(env, await originUrl(root));
  return createGitHub({
    baseUrl,
    auth: token,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

/**
 * The operator's client outside an infra checkout: token from `GH_TOKEN` or `GITHUB_TOKEN`, API from
 * `GITHUB_API_URL`, else the running local GitHub.
 */
export async function operatorGitHub(env: Env, report?: (line: string) => void): Promise<GitHub> {
  const token = operatorToken(env);
  const endpoint = await resolveApiEndpoint(env, report);
  return createGitHub({ baseUrl: endpoint.apiUrl, auth: token });
}

function operatorToken(env: Env): string {
  const token = env.GH_TOKEN?.trim() || env.GITHUB_TOKEN?.trim();
  if (!token) {
    throw new UsageError("no GitHub token: set GH_TOKEN or GITHUB_TOKEN", {
      hint: "use a token that can push to the infra repository and open and merge its pull requests",
    });
  }
  return token;
}

/** The REST API of the GitHub that hosts `url` (origin), when it can be told without configuration. */
async function apiServingOrigin(env: Env, url: string): Promise<string> {
  if (/^(?:https:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)github\.com[/:]/.test(url)) return PUBLIC_GITHUB_API;
  // Several local GitHubs may run: origin's URL names exactly one of them.
  const local = (await listLocalEndpoints(env)).find((record) => url.startsWith(`${record.gitUrl}/`));
  if (local !== undefined) return local.url;
  throw new UsageError(`cannot tell which GitHub API serves origin ${redactUrl(url)}`, {
    hint: "set GITHUB_API_URL to that GitHub's REST API (e.g. https://ghe.example.com/api/v3)",
  });
}

async function originUrl(root: string): Promise<string> {
  return (await git(root, ["remote", "get-url", "origin"]).catch(() => "")).trim();
}

/** The `owner/name` of the infra repository, from origin's URL (https, ssh or scp-like). */
export async function originRepository(root: string): Promise<{ owner: string; repo: string }> {
  const url = await originUrl(root);
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (url === "" || match === null) {
    throw new UsageError(
      url === ""
        ? "this checkout has no origin remote"
        : `cannot tell the GitHub repository from origin ${redactUrl(url)}`,
      {
        hint: "point origin at the infra repository: git remote add origin https://github.com/OWNER/REPO.git",
      },
    );
  }
  return { owner: match[1], repo: match[2] };
}

/** Runs one GitHub call, turning HTTP failures into `ExternalError` with the status and `what` failed. */
export async function callGitHub<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TaskAssistantError) throw error;
    // No answer at all (refused, DNS, timeout, TLS): Octokit calls that "HTTP 500"; name it as it is.
    const unreachable = unreachableCode(error) === undefined ? undefined : requestFailure(error);
    if (unreachable !== undefined) {
      throw new ExternalError(`GitHub could not ${what}: ${unreachable.message}`, {
        cause: error,
        ...(unreachable.hint === undefined ? {} : { hint: unreachable.hint }),
      });
    }
    const status = httpStatus(error);
    throw new ExternalError(
      `GitHub could not ${what}${status === undefined ? "" : ` (HTTP ${status})`}: ${(error as Error).message}`,
      {
        ...(status === undefined ? {} : { status }),
        cause: error,
        hint:
          status === 401 || status === 403
            ? "check that the token may read and write the infra repository"
            : "try again; nothing was changed locally",
      },
    );
  }
}

/** The HTTP status carried by an Octokit error, if any. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
