import { createAppAuth, type InstallationAccessTokenAuthentication } from "@octokit/auth-app";
import { didYouMean } from "../config/did-you-mean.js";
import { UsageError } from "../errors.js";
import { createGitHub, type GitHub } from "../github/octokit.js";
import { callGitHub, httpStatus } from "./infra-github.js";

/** The App's credentials and the API they are for. */
export interface AppAccess {
  baseUrl: string;
  appId: string;
  privateKey: string;
  fetch?: typeof globalThis.fetch;
}

export interface SeenRepository {
  fullName: string;
  installationId: number;
  private: boolean;
}

/**
 * Checks through GitHub that `owner/repo` exists and the App's installation can see it, the way
 * preflight will reach it. A repository that is missing, misspelt or outside the installation is
 * refused (`UsageError`, exit 2) with the nearest name the App can see; GitHub failing is an
 * `ExternalError` (exit 3).
 */
export async function checkAppSeesRepository(
  access: AppAccess,
  owner: string,
  repo: string,
): Promise<SeenRepository> {
  const app = createGitHub({
    baseUrl: access.baseUrl,
    authStrategy: createAppAuth,
    auth: { appId: access.appId, privateKey: access.privateKey },
    retries: 0,
    ...(access.fetch === undefined ? {} : { fetch: access.fetch }),
  });
  const fullName = `${owner}/${repo}`;
  const installationId = await optional(`find the App's installation on ${fullName}`, async () => {
    const { data } = await app.rest.apps.getRepoInstallation({ owner, repo });
    return data.id;
  });
  if (installationId === undefined) throw await notVisible(app, access, owner, repo);
  const client = await installationClient(app, access, installationId);
  const data = await optional(
    `read ${fullName}`,
    async () => (await client.rest.repos.get({ owner, repo })).data,
  );
  if (data === undefined) throw await notVisible(app, access, owner, repo);
  return { fullName: data.full_name, installationId, private: data.private };
}

/** Why the App cannot see `owner/repo`, with the nearest repository it can see there. */
async function notVisible(app: GitHub, access: AppAccess, owner: string, repo: string): Promise<UsageError> {
  const fullName = `${owner}/${repo}`;
  const ownerInstallation = await optional(`find the App's installation on ${owner}`, async () => {
    const { data } = await app.rest.apps.getUserInstallation({ username: owner });
    return data.id;
  });
  if (ownerInstallation === undefined) {
    return new UsageError(`the App is not installed on ${owner}, so it cannot see ${fullName}`, {
      hint: `check the owner's spelling, or install the App on ${owner} with access to ${repo} (and its telemetry repository)`,
    });
  }
  const client = await installationClient(app, access, ownerInstallation);
  const names = await callGitHub(`list the repositories the App can see in ${owner}`, () =>
    client.paginate(client.rest.apps.listReposAccessibleToInstallation, { per_page: 100 }),
  );
  const seen = (names as unknown as Array<{ name: string; owner: { login: string } }>)
    .filter((candidate) => candidate.owner.login.toLowerCase() === owner.toLowerCase())
    .map((candidate) => candidate.name);
  const nearest = didYouMean(repo, seen);
  return new UsageError(
    `${fullName} does not exist, or the App's installation on ${owner} does not include it`,
    {
      hint:
        nearest === undefined
          ? `check the name, or add ${repo} to the App's installation on ${owner} (its repository access settings)`
          : `did you mean ${owner}/${nearest}? Otherwise add ${repo} to the App's installation on ${owner}`,
    },
  );
}

async function installationClient(app: GitHub, access: AppAccess, installationId: number): Promise<GitHub> {
  const auth = await callGitHub(`issue an installation token (installation ${installationId})`, async () => {
    return (await app.auth({
      type: "installation",
      installationId,
    })) as InstallationAccessTokenAuthentication;
  });
  return createGitHub({
    baseUrl: access.baseUrl,
    auth: auth.token,
    retries: 0,
    ...(access.fetch === undefined ? {} : { fetch: access.fetch }),
  });
}

/** The call's answer, or undefined when GitHub says 404; any other failure is an `ExternalError`. */
async function optional<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    return callGitHub(what, () => {
      throw error;
    });
  }
}
