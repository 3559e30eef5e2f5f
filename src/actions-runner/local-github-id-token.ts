import { ExternalError } from "../errors.js";
import type { IdTokenRequest } from "./run-types.js";

/**
 * The runner's `requestIdToken` for the local GitHub's OIDC issuer: `POST
 * /_emulator/actions/id-token-request` (admin API) with the job's claims answers the job's
 * ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, as GitHub hands them to a job with `id-token: write`.
 */
export function localGitHubIdToken(options: {
  baseUrl: string;
  adminToken: string;
  fetch?: typeof fetch;
}): (claims: Record<string, string>) => Promise<IdTokenRequest> {
  const request = options.fetch ?? fetch;
  return async (claims) => {
    const response = await request(`${options.baseUrl}/_emulator/actions/id-token-request`, {
      method: "POST",
      headers: { authorization: `token ${options.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ claims }),
    });
    const body = (await response.json().catch(() => undefined)) as Partial<IdTokenRequest> | undefined;
    if (response.status !== 201 || typeof body?.url !== "string" || typeof body.token !== "string") {
      throw new ExternalError(
        `the local GitHub's OIDC issuer answered ${response.status} to an ID token request`,
        {
          status: response.status,
        },
      );
    }
    return { url: body.url, token: body.token };
  };
}
