import { resolveApiEndpoint, type ApiEndpoint } from "../../github/endpoint.js";
import { createTokenProvider, type TokenProvider } from "../../github/token-provider.js";
import { readTokenSource } from "../../github/token-source.js";
import { UsageError } from "../../errors.js";

export interface TelemetryAccess {
  endpoint: ApiEndpoint;
  tokens: TokenProvider;
  /** A token that may read (and, when `write`, change) the contents of one telemetry repository. */
  tokenFor(telemetryRepo: string, write: boolean): Promise<string>;
}

/** Endpoint and credentials for reaching telemetry repositories, read once from the environment. */
export async function telemetryAccess(
  env: Readonly<Record<string, string | undefined>>,
  report?: (line: string) => void,
): Promise<TelemetryAccess> {
  const endpoint = await resolveApiEndpoint(env, report);
  const tokens = createTokenProvider(await readTokenSource(env, { localAdminToken: endpoint.adminToken }), {
    baseUrl: endpoint.apiUrl,
  });
  return {
    endpoint,
    tokens,
    async tokenFor(telemetryRepo, write) {
      const [owner, name] = splitTelemetryRepo(telemetryRepo);
      const issued = await tokens.issue({
        owner,
        repositories: [name],
        permissions: { contents: write ? "write" : "read" },
      });
      return issued.token;
    },
  };
}

/** `owner/name` → parts, or a UsageError naming the flag. */
export function splitTelemetryRepo(value: string, flag = "--repo"): [string, string] {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?)\/([A-Za-z0-9._-]{1,100})$/.exec(
    value.trim(),
  );
  if (!match || match[2] === "." || match[2] === "..") {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not OWNER/REPO`, {
      hint: `name the org's telemetry repository, e.g. ${flag} acme/telemetry`,
    });
  }
  return [match[1], match[2]];
}
