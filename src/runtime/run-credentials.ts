import { createGitHub, type GitHub } from "../github/octokit.js";
import type { TokenProvider } from "../github/token-provider.js";
import { asTokenPermissions, type AccessLevels } from "./engine-access.js";
import type { GrantFact } from "./preflight-facts.js";

/** A client for some of one owner's repositories, and what its token is known to allow. */
export interface RepoClient {
  readonly github: GitHub;
  readonly grant: Exclude<GrantFact, { kind: "refused" }>;
}

/**
 * How the runtime obtains clients: one per (repositories, permissions) need, so each engine's token
 * reaches only what that engine needs. Throws `ExternalError` when a token cannot be issued.
 */
export interface RunCredentials {
  clientFor(owner: string, repositories: readonly string[], access: AccessLevels): Promise<RepoClient>;
}

export interface RunCredentialsOptions {
  readonly baseUrl: string;
  readonly fetch?: typeof globalThis.fetch;
  /** plugin-retry attempts for the clients' requests (transport retries; engine logic never re-runs). */
  readonly retries?: number;
  /** Aborts every request of the run's clients when the run is interrupted. */
  readonly signal?: AbortSignal;
}

/**
 * Run credentials over a token provider. Clients are cached per token, so a plain `GITHUB_TOKEN`
 * yields one client for the whole run.
 */
export function createRunCredentials(tokens: TokenProvider, options: RunCredentialsOptions): RunCredentials {
  const clients = new Map<string, GitHub>();
  return {
    async clientFor(owner, repositories, access) {
      const issued = await tokens.issue({ owner, repositories, permissions: asTokenPermissions(access) });
      let github = clients.get(issued.token);
      if (github === undefined) {
        github = createGitHub({
          baseUrl: options.baseUrl,
          auth: issued.token,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          ...(options.retries === undefined ? {} : { retries: options.retries }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
        clients.set(issued.token, github);
      }
      const grant: RepoClient["grant"] =
        issued.grant === undefined
          ? { kind: "plain" }
          : {
              kind: "granted",
              permissions: issued.grant.permissions,
              repositories: issued.grant.repositories,
            };
      return { github, grant };
    },
  };
}
