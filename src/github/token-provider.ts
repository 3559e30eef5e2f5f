import { createAppAuth, type InstallationAccessTokenAuthentication } from "@octokit/auth-app";
import { ExternalError } from "../errors.js";
import { createBrokerTokenProvider } from "./broker-token-provider.js";
import { createGitHub, type GitHub } from "./octokit.js";
import type { TokenSource } from "./token-source.js";

/** Installation permission levels, as GitHub names them. */
export type PermissionLevel = "read" | "write";

/** What a token must allow: repositories of one owner, and permissions on them. */
export interface TokenRequest {
  readonly owner: string;
  /** Repository names (without the owner) the token must reach. */
  readonly repositories: readonly string[];
  /** GitHub App permission names → level, e.g. `{ contents: "write", issues: "read" }`. */
  readonly permissions: Readonly<Record<string, PermissionLevel>>;
}

/** What a token is known to allow, when its issuer says (installation tokens do; plain tokens do not). */
export interface TokenGrant {
  readonly permissions: Readonly<Record<string, string>>;
  /** Repository names the token reaches; undefined when the installation covers all of the owner's. */
  readonly repositories: readonly string[] | undefined;
}

export interface IssuedToken {
  readonly token: string;
  readonly grant: TokenGrant | undefined;
}

/**
 * Where a run's tokens come from. Engines get a token narrowed to what they need; plain tokens
 * (`GITHUB_TOKEN`, `GH_TOKEN`) cannot be narrowed and are returned as they are.
 */
export interface TokenProvider {
  readonly kind: TokenSource["kind"];
  issue(request: TokenRequest): Promise<IssuedToken>;
}

export interface TokenProviderOptions {
  /** REST base URL (from `resolveApiEndpoint`). */
  readonly baseUrl: string;
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * The token provider for a credential source (see `readTokenSource`). With App credentials, each
 * request mints an installation token for the request's owner through `@octokit/auth-app`, limited
 * to the requested repositories and permissions; GitHub refuses (422) a permission the installation
 * does not have, which surfaces as an `ExternalError` carrying the status.
 *
 * @example const tokens = createTokenProvider(readTokenSource(env, key), { baseUrl });
 *          const { token } = await tokens.issue({ owner: "acme", repositories: ["widgets"], permissions: { issues: "write" } });
 */
export function createTokenProvider(source: TokenSource, options: TokenProviderOptions): TokenProvider {
  if (source.kind === "broker")
    return createBrokerTokenProvider(source, options.fetch === undefined ? {} : { fetch: options.fetch });
  if (source.kind !== "app") {
    const issued: IssuedToken = { token: source.token, grant: undefined };
    return { kind: source.kind, issue: () => Promise.resolve(issued) };
  }
  const app = createGitHub({
    baseUrl: options.baseUrl,
    authStrategy: createAppAuth,
    auth: { appId: source.appId, privateKey: source.privateKey },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const installations = new Map<string, Promise<number>>();
  const minted = new Map<string, Promise<IssuedToken>>();
  return {
    kind: "app",
    issue(request) {
      const key = requestKey(request);
      let token = minted.get(key);
      if (token === undefined) {
        token = mintInstallationToken(app, installations, request);
        // A failed mint is not cached: the next engine may ask again.
        token.catch(() => minted.delete(key));
        minted.set(key, token);
      }
      return token;
    },
  };
}

async function mintInstallationToken(
  app: GitHub,
  installations: Map<string, Promise<number>>,
  request: TokenRequest,
): Promise<IssuedToken> {
  const owner = request.owner.toLowerCase();
  let installationId = installations.get(owner);
  if (installationId === undefined) {
    installationId = findInstallation(app, request);
    installationId.catch(() => installations.delete(owner));
    installations.set(owner, installationId);
  }
  const id = await installationId;
  let auth: InstallationAccessTokenAuthentication;
  try {
    auth = (await app.auth({
      type: "installation",
      installationId: id,
      repositoryNames: [...request.repositories],
      permissions: { metadata: "read", ...request.permissions },
    })) as InstallationAccessTokenAuthentication;
  } catch (error) {
    const status = statusOf(error);
    throw new ExternalError(
      `GitHub refused an installation token for ${describeRequest(request)}${status ? ` (HTTP ${status})` : ""}: ${githubMessage(error)}`,
      {
        status,
        cause: error,
        hint:
          status === 422
            ? "grant the App these permissions on the installation, or add the repositories to it"
            : "check that the App is installed on the owner and the repositories",
      },
    );
  }
  return {
    token: auth.token,
    grant: {
      permissions: { ...auth.permissions },
      repositories:
        auth.repositorySelection === "all" ? undefined : (auth.repositoryNames ?? [...request.repositories]),
    },
  };
}

async function findInstallation(app: GitHub, request: TokenRequest): Promise<number> {
  const [repo] = request.repositories;
  try {
    const response =
      repo === undefined
        ? await app.rest.apps.getUserInstallation({ username: request.owner })
        : await app.rest.apps.getRepoInstallation({ owner: request.owner, repo });
    return response.data.id;
  } catch (error) {
    const status = statusOf(error);
    throw new ExternalError(
      `the App is not installed on ${repo === undefined ? request.owner : `${request.owner}/${repo}`}${status ? ` (HTTP ${status})` : ""}`,
      { status, cause: error, hint: "install the App on the repository's owner and include the repository" },
    );
  }
}

function requestKey(request: TokenRequest): string {
  const permissions = Object.keys(request.permissions)
    .sort()
    .map((name) => `${name}:${request.permissions[name]}`);
  return `${request.owner.toLowerCase()}|${[...request.repositories]
    .map((r) => r.toLowerCase())
    .sort()
    .join(",")}|${permissions.join(",")}`;
}

function describeRequest(request: TokenRequest): string {
  const permissions = Object.entries(request.permissions).map(([name, level]) => `${name}:${level}`);
  return `${request.owner}/{${request.repositories.join(",")}} with ${permissions.join(", ") || "no permissions"}`;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** GitHub's own words for a refused request (e.g. "… not accessible to the parent installation"). */
function githubMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const message = (data as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message !== ""
    ? message
    : error instanceof Error
      ? error.message
      : String(error);
}
