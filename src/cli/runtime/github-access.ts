import { resolveApiEndpoint } from "../../github/endpoint.js";
import { createGitHub, type GitHub } from "../../github/octokit.js";
import { createTokenProvider, type TokenProvider } from "../../github/token-provider.js";
import { readTokenSource, type TokenSource } from "../../github/token-source.js";
import { createRunCredentials, type RunCredentials } from "../../runtime/run-credentials.js";
import { releaseTokenBroker } from "./package-info.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Everything a runtime command needs to talk to GitHub, read once from the environment. */
export interface GitHubAccess {
  readonly baseUrl: string;
  readonly source: TokenSource;
  readonly tokens: TokenProvider;
  readonly credentials: RunCredentials;
  /**
   * A client that reads the infra repository: `TA_INFRA_TOKEN` when set, else the App's own
   * installation on the infra owner (contents read, that repository only), else the run's token.
   */
  infraClient(infraRepo: string): Promise<GitHub>;
}

/**
 * Reads the API endpoint (`GITHUB_API_URL`, else the running local GitHub) and the credentials
 * (App, `GITHUB_TOKEN`/`GH_TOKEN`, or the local GitHub's admin token) at the edge.
 */
export async function githubAccessFromEnv(
  env: Env,
  signal?: AbortSignal,
  report?: (line: string) => void,
): Promise<GitHubAccess> {
  const endpoint = await resolveApiEndpoint(env, report);
  const source = await readTokenSource(env, {
    localAdminToken: endpoint.adminToken,
    releaseBrokerUrl: await releaseTokenBroker(),
  });
  const tokens = createTokenProvider(source, { baseUrl: endpoint.apiUrl });
  const credentials = createRunCredentials(tokens, {
    baseUrl: endpoint.apiUrl,
    ...(signal === undefined ? {} : { signal }),
  });
  const infraToken = env.TA_INFRA_TOKEN?.trim();
  return {
    baseUrl: endpoint.apiUrl,
    source,
    tokens,
    credentials,
    async infraClient(infraRepo) {
      if (infraToken) return createGitHub({ baseUrl: endpoint.apiUrl, auth: infraToken, signal });
      const [owner, repo] = infraRepo.split("/");
      const { token } = await tokens.issue({
        owner,
        repositories: [repo],
        permissions: { contents: "read" },
      });
      return createGitHub({ baseUrl: endpoint.apiUrl, auth: token, signal });
    },
  };
}
