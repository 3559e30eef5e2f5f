import { createWriteStream } from "node:fs";
import { DEFAULT_MAX_TOKEN_BYTES, startBroker, type RunningBroker } from "../broker/start-broker.js";
import type { LocalGitHub } from "../emulator/start-local-github.js";
import { ExternalError } from "../errors.js";
import { BROKER_AUDIENCE } from "../github/broker-token-provider.js";
import type { GitHub } from "../github/octokit.js";
import { APP_REPOSITORY } from "../runtime/app-repository.js";
import { INFRA_REPO } from "./demo-world.js";

/** The events the host dispatcher workflow is triggered by: the only jobs that may exchange tokens. */
export const DEMO_BROKER_EVENTS = ["issues", "push", "pull_request", "schedule", "workflow_dispatch"];

export interface DemoBroker {
  readonly broker: RunningBroker;
  readonly url: string;
  /** Where its JSON log lines go (one per exchange), beside the world. */
  readonly logFile: string;
  /** The log lines written so far. */
  lines(): readonly string[];
  stop(): Promise<void>;
}

/**
 * The token broker beside the demo's local GitHub: it alone holds the App's private key, trusts the
 * local GitHub's Actions OIDC issuer, checks jobs against the release tags of the App's repository and
 * reads the registry from the infra repository, as a deployed broker does against github.com.
 */
export async function startDemoBroker(options: {
  github: LocalGitHub;
  app: { id: number; privateKey: string };
  logFile: string;
  port?: number;
}): Promise<DemoBroker> {
  const lines: string[] = [];
  const file = createWriteStream(options.logFile, { flags: "a", mode: 0o600 });
  const broker = await startBroker({
    apiUrl: options.github.url,
    appId: String(options.app.id),
    privateKey: options.app.privateKey,
    issuer: options.github.oidcIssuer,
    audience: BROKER_AUDIENCE,
    appRepository: APP_REPOSITORY,
    infraRepository: INFRA_REPO,
    allowedEvents: DEMO_BROKER_EVENTS,
    allowSelfHosted: false,
    skewSeconds: 60,
    maxTokenBytes: DEFAULT_MAX_TOKEN_BYTES,
    ...(options.port === undefined ? {} : { port: options.port }),
    log: (line) => {
      lines.push(line);
      file.write(`${line}\n`);
    },
  }).catch((error: unknown) => {
    file.destroy();
    throw new ExternalError(`cannot start the token broker: ${(error as Error).message}`, { cause: error });
  });
  return {
    broker,
    url: broker.url,
    logFile: options.logFile,
    lines: () => lines,
    async stop() {
      await broker.stop();
      await new Promise<void>((resolve) => file.end(resolve));
    },
  };
}

/**
 * The commit of release `tag` of the App's repository in the local GitHub, tagging the default
 * branch's head first when the tag does not exist yet (the release the hosts follow), and pointing
 * its channel (`v<MAJOR>`) at it as `release publish` does, so hosts can install the channel.
 */
export async function ensureRelease(admin: GitHub, tag: string): Promise<string> {
  const [owner, repo] = APP_REPOSITORY.split("/") as [string, string];
  const sha = await ensureTag(admin, owner, repo, tag, async () => {
    const { data: branch } = await admin.rest.repos.getBranch({ owner, repo, branch: "main" });
    return branch.commit.sha;
  });
  const channel = /^v\d+\.\d+\.\d+$/.test(tag) ? tag.replace(/\..*$/, "") : undefined;
  if (channel !== undefined) await ensureTag(admin, owner, repo, channel, () => Promise.resolve(sha));
  return sha;
}

async function ensureTag(
  admin: GitHub,
  owner: string,
  repo: string,
  tag: string,
  target: () => Promise<string>,
): Promise<string> {
  try {
    const { data } = await admin.rest.git.getRef({ owner, repo, ref: `tags/${tag}` });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
  const sha = await target();
  await admin.rest.git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha });
  return sha;
}
