import { UsageError } from "../../errors.js";
import { resolveApiEndpoint } from "../../github/endpoint.js";
import { createGitHub, type GitHub } from "../../github/octokit.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The Octokit client telemetry commands use: base URL from `GITHUB_API_URL` (else the running local
 * GitHub), token from `GITHUB_TOKEN` or `GH_TOKEN` (the local GitHub's admin token when none is set
 * and the endpoint is the local GitHub). Its requests end when `signal` is aborted. `access` is what
 * the command does with the repository, so the hint asks for no more than it needs.
 */
export async function telemetryGitHub(
  env: Env,
  signal?: AbortSignal,
  access: "read" | "write" = "write",
  report?: (line: string) => void,
): Promise<GitHub> {
  const endpoint = await resolveApiEndpoint(env, report);
  const token = env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim() || endpoint.adminToken;
  if (!token) {
    throw new UsageError("no GitHub token", {
      hint: `set GITHUB_TOKEN (or GH_TOKEN) to a token that can ${access} the telemetry repository's contents`,
    });
  }
  return createGitHub({ baseUrl: endpoint.apiUrl, auth: token, signal });
}

/** `owner/name` from a flag, or a UsageError naming the flag. */
export function repoFlag(
  value: string | undefined,
  flag: string,
  command: string,
): { owner: string; repo: string } {
  const match =
    value === undefined ? null : /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(value.trim());
  if (match === null) {
    throw new UsageError(
      value === undefined ? `--${flag} is required` : `--${flag} ${JSON.stringify(value)} is not owner/name`,
      {
        hint: `see \`task-assistant ${command} --help\``,
      },
    );
  }
  return { owner: match[1], repo: match[2] };
}
