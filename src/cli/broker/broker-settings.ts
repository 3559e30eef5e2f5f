import { createPrivateKey } from "node:crypto";
import { UsageError } from "../../errors.js";
import { BROKER_AUDIENCE } from "../../github/broker-token-provider.js";
import { APP_REPOSITORY } from "../../runtime/app-repository.js";
import { parseRepoName } from "../../runtime/repo-name.js";

/** GitHub Actions' OIDC issuer: the `iss` of every job's ID token on github.com. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
export const DEFAULT_API_URL = "https://api.github.com";
/** The events the host dispatcher runs on (templates/host/task-assistant-dispatch.yml). */
export const DEFAULT_ALLOWED_EVENTS = ["issues", "push", "pull_request", "schedule", "workflow_dispatch"];

/** `broker serve`'s flags, as parsed (every one optional; the environment fills the rest). */
export interface BrokerFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly "app-id"?: string | undefined;
  readonly "private-key-file"?: string | undefined;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly "app-repo"?: string | undefined;
  readonly "infra-repo"?: string | undefined;
  readonly "api-url"?: string | undefined;
  readonly "allowed-events"?: string | undefined;
  readonly "allow-self-hosted"?: boolean | undefined;
  readonly "replay-dir"?: string | undefined;
}

/** What the broker runs with. `privateKey` is the PEM text: never print it. */
export interface BrokerSettingsResolved {
  readonly port: number;
  readonly host: string;
  readonly appId: string;
  readonly privateKey: string;
  /** Where the key came from (`TA_APP_PRIVATE_KEY_FILE /path`, `TA_APP_PRIVATE_KEY`), for messages. */
  readonly keySource: string;
  readonly issuer: string;
  readonly audience: string;
  readonly appRepository: string;
  readonly infraRepository: string;
  readonly apiUrl: string;
  readonly allowedEvents: readonly string[];
  readonly allowSelfHosted: boolean;
  /** The shared replay store's directory as given (relative to the working directory), if any. */
  readonly replayDir: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;
const HINT = "see `task-assistant broker serve --help`";

/**
 * The broker's settings from flags (which win) and environment (pure apart from `readKeyFile`).
 * Every missing or malformed setting is a UsageError naming the flag and the variable.
 *
 * @example await resolveBrokerSettings({ "infra-repo": "ops/infra" }, { TA_APP_ID: "1", TA_APP_PRIVATE_KEY_FILE: "/k.pem" }, readFile)
 */
export async function resolveBrokerSettings(
  flags: BrokerFlags,
  env: Env,
  readKeyFile: (path: string) => Promise<string>,
): Promise<BrokerSettingsResolved> {
  const pick = (flag: keyof BrokerFlags, variable: string): string | undefined => {
    const value = flags[flag];
    const text = typeof value === "string" ? value.trim() : env[variable]?.trim();
    return text === "" ? undefined : text;
  };
  const name = (flag: string, variable: string) => `--${flag} (${variable})`;

  const portText = pick("port", "TA_BROKER_PORT") ?? "8080";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535)
    throw new UsageError(
      `${name("port", "TA_BROKER_PORT")} must be a TCP port (0-65535), not "${portText}"`,
      {
        hint: "pass --port 0 for a free port",
      },
    );
  const host = pick("host", "TA_BROKER_HOST") ?? "127.0.0.1";

  const appId = pick("app-id", "TA_APP_ID");
  if (appId === undefined)
    throw new UsageError(`the App id is not set: ${name("app-id", "TA_APP_ID")}`, {
      hint: "pass the GitHub App's numeric id (its settings page shows it)",
    });
  if (!/^[1-9]\d{0,19}$/.test(appId))
    throw new UsageError(`${name("app-id", "TA_APP_ID")} must be the App's numeric id, not "${appId}"`, {
      hint: HINT,
    });

  const keyFile = pick("private-key-file", "TA_APP_PRIVATE_KEY_FILE");
  const inlineKey = env.TA_APP_PRIVATE_KEY?.trim() ? env.TA_APP_PRIVATE_KEY : undefined;
  if (keyFile !== undefined && inlineKey !== undefined)
    throw new UsageError("both TA_APP_PRIVATE_KEY and a private key file are set", {
      hint: "give the App's private key one way: --private-key-file (TA_APP_PRIVATE_KEY_FILE) or TA_APP_PRIVATE_KEY",
    });
  let privateKey: string;
  let keySource: string;
  if (keyFile !== undefined) {
    keySource = `${name("private-key-file", "TA_APP_PRIVATE_KEY_FILE")} ${keyFile}`;
    try {
      privateKey = await readKeyFile(keyFile);
    } catch (error) {
      throw new UsageError(`cannot read the App's private key: ${keySource}: ${(error as Error).message}`, {
        hint: "point it at the App's PEM private key (a mounted secret file)",
      });
    }
  } else if (inlineKey !== undefined) {
    keySource = "TA_APP_PRIVATE_KEY";
    privateKey = inlineKey;
  } else {
    throw new UsageError(
      `the App's private key is not set: ${name("private-key-file", "TA_APP_PRIVATE_KEY_FILE")} or TA_APP_PRIVATE_KEY`,
      { hint: "mount the PEM key as a file and pass its path, or put the PEM text in TA_APP_PRIVATE_KEY" },
    );
  }
  try {
    const key = createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== "rsa") throw new Error("not RSA");
  } catch {
    // The key's text never appears in a message.
    throw new UsageError(`${keySource} is not an RSA private key in PEM form`, {
      hint: "use the .pem file GitHub generated for the App (-----BEGIN RSA PRIVATE KEY-----)",
    });
  }

  const issuer = httpUrl(
    pick("issuer", "TA_BROKER_ISSUER") ?? GITHUB_ACTIONS_ISSUER,
    name("issuer", "TA_BROKER_ISSUER"),
  );
  const audience = pick("audience", "TA_BROKER_AUDIENCE") ?? BROKER_AUDIENCE;
  const appRepository = repository(
    pick("app-repo", "TA_APP_REPO") ?? APP_REPOSITORY,
    name("app-repo", "TA_APP_REPO"),
  );
  const infraText = pick("infra-repo", "TA_INFRA_REPO");
  if (infraText === undefined)
    throw new UsageError(`the infra repository is not set: ${name("infra-repo", "TA_INFRA_REPO")}`, {
      hint: "pass the operator's infra repository (which holds the registry) as OWNER/REPO",
    });
  const infraRepository = repository(infraText, name("infra-repo", "TA_INFRA_REPO"));
  if (infraRepository.toLowerCase() === appRepository.toLowerCase())
    throw new UsageError(
      `${name("infra-repo", "TA_INFRA_REPO")} and ${name("app-repo", "TA_APP_REPO")} are the same repository`,
      {
        hint: "the registry lives in the operator's private infra repository, not in the app repository",
      },
    );
  const apiUrl = httpUrl(
    pick("api-url", "GITHUB_API_URL") ?? DEFAULT_API_URL,
    name("api-url", "GITHUB_API_URL"),
  );

  const eventsText = pick("allowed-events", "TA_BROKER_ALLOWED_EVENTS");
  const allowedEvents =
    eventsText === undefined ? DEFAULT_ALLOWED_EVENTS : eventsText.split(",").map((event) => event.trim());
  const badEvent = allowedEvents.find((event) => !/^[a-z_]{1,64}$/.test(event));
  if (badEvent !== undefined)
    throw new UsageError(
      `${name("allowed-events", "TA_BROKER_ALLOWED_EVENTS")} lists "${badEvent}", which is not a GitHub event name`,
      { hint: `give a comma-separated list such as ${DEFAULT_ALLOWED_EVENTS.join(",")}` },
    );

  let allowSelfHosted = flags["allow-self-hosted"] === true;
  if (!allowSelfHosted) {
    const text = env.TA_BROKER_ALLOW_SELF_HOSTED?.trim().toLowerCase();
    if (text !== undefined && text !== "" && !["true", "false", "1", "0"].includes(text))
      throw new UsageError(`TA_BROKER_ALLOW_SELF_HOSTED must be true or false, not "${text}"`, {
        hint: HINT,
      });
    allowSelfHosted = text === "true" || text === "1";
  }

  return {
    port,
    host,
    appId,
    privateKey,
    keySource,
    issuer,
    audience,
    appRepository,
    infraRepository,
    apiUrl,
    allowedEvents,
    allowSelfHosted,
    replayDir: pick("replay-dir", "TA_BROKER_REPLAY_DIR"),
  };
}

function repository(text: string, setting: string): string {
  if (parseRepoName(text) === undefined)
    throw new UsageError(`${setting} must be OWNER/REPO, not "${text}"`, { hint: HINT });
  return text;
}

/** An http(s) URL without a trailing slash; plain http only on a loopback host (the local GitHub). */
function httpUrl(text: string, setting: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${setting} is not a URL: "${text}"`, { hint: HINT });
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new UsageError(`${setting} must be an https URL, not "${text}"`, {
      hint: "plain http is accepted only on 127.0.0.1 or localhost (the local GitHub)",
    });
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "")
    throw new UsageError(`${setting} must not carry a query, a fragment or credentials: "${text}"`, {
      hint: HINT,
    });
  return text.replace(/\/+$/, "");
}
