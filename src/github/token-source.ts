import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";

/** Which credentials a command runs with, read once from the environment at the edge. */
export type TokenSource =
  | { readonly kind: "app"; readonly appId: string; readonly privateKey: string }
  /**
   * GitHub Actions without any key: the job's OIDC token is exchanged at the App's token broker for
   * an installation token (the App's private key never reaches the host repository).
   */
  | {
      readonly kind: "broker";
      readonly url: string;
      readonly oidc: { readonly requestUrl: string; readonly requestToken: string };
    }
  | { readonly kind: "token"; readonly token: string; readonly variable: string }
  | { readonly kind: "local-admin"; readonly token: string };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The run's credentials: App credentials (`TA_APP_ID` with `TA_APP_PRIVATE_KEY` or
 * `TA_APP_PRIVATE_KEY_FILE`) win, because they can be narrowed per engine; then the token broker:
 * `TA_TOKEN_BROKER_URL` (local runs), else, in a job that can request an OIDC token
 * (`ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`, i.e. GitHub Actions with `id-token: write`), the broker
 * the release names (`releaseBrokerUrl`, from package.json), so no host passes one; then `GITHUB_TOKEN`, then
 * `GH_TOKEN`; then, against the local GitHub only, its admin token, so the offline default needs no
 * setup. Half-configured App or broker credentials are refused rather than silently ignored.
 *
 * @example await readTokenSource(process.env, { localAdminToken: endpoint.adminToken })
 */
export async function readTokenSource(
  env: Env,
  options: { localAdminToken?: string | undefined; releaseBrokerUrl?: string | undefined } = {},
): Promise<TokenSource> {
  const appId = env.TA_APP_ID?.trim();
  const inlineKey = env.TA_APP_PRIVATE_KEY;
  const keyFile = env.TA_APP_PRIVATE_KEY_FILE?.trim();
  const hasKey =
    (inlineKey !== undefined && inlineKey.trim() !== "") || (keyFile !== undefined && keyFile !== "");
  if (appId && hasKey) {
    return { kind: "app", appId, privateKey: await readPrivateKey(inlineKey, keyFile) };
  }
  if (appId || hasKey) {
    throw new UsageError(
      appId ? "TA_APP_ID is set but no private key is" : "an App private key is set but TA_APP_ID is not",
      { hint: "set TA_APP_ID together with TA_APP_PRIVATE_KEY or TA_APP_PRIVATE_KEY_FILE, or unset both" },
    );
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  const broker =
    env.TA_TOKEN_BROKER_URL?.trim() ||
    (requestUrl && requestToken ? options.releaseBrokerUrl?.trim() || undefined : undefined);
  if (broker) {
    if (!requestUrl || !requestToken)
      throw new UsageError("TA_TOKEN_BROKER_URL is set but this job cannot request an OIDC token", {
        hint: "grant the job `permissions: id-token: write` (the engine workflows do), or unset TA_TOKEN_BROKER_URL",
      });
    return { kind: "broker", url: broker.replace(/\/+$/, ""), oidc: { requestUrl, requestToken } };
  }
  for (const variable of ["GITHUB_TOKEN", "GH_TOKEN"]) {
    const token = env[variable]?.trim();
    if (token) return { kind: "token", token, variable };
  }
  if (options.localAdminToken) return { kind: "local-admin", token: options.localAdminToken };
  if (requestUrl && requestToken)
    throw new UsageError("no GitHub credentials are configured: this release names no token broker", {
      hint: 'the release sets its broker in package.json "taskAssistant.tokenBroker" (see README, "Running the broker for real")',
    });
  throw new UsageError("no GitHub credentials are configured", {
    hint: "set GITHUB_TOKEN (or GH_TOKEN), or the App's TA_APP_ID and TA_APP_PRIVATE_KEY_FILE",
  });
}

async function readPrivateKey(inline: string | undefined, file: string | undefined): Promise<string> {
  if (inline !== undefined && inline.trim() !== "") {
    // Secrets stores often flatten newlines to the two characters "\n".
    return inline.includes("\\n") && !inline.includes("\n") ? inline.replace(/\\n/g, "\n") : inline;
  }
  try {
    return await readFile(file!, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read TA_APP_PRIVATE_KEY_FILE ${file}: ${(error as Error).message}`, {
      hint: "point TA_APP_PRIVATE_KEY_FILE at the App's PEM private key",
      cause: error,
    });
  }
}
