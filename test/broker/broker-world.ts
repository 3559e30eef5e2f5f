import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import { startBroker, type BrokerOptions, type RunningBroker } from "../../src/broker/start-broker.js";
import { BROKER_AUDIENCE } from "../../src/github/broker-token-provider.js";
import { REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

export const INFRA_REPOSITORY = "automated-assistant-systems/infra";
const [OPERATOR, APP_NAME] = APP_REPOSITORY.split("/");

const entry = (state = "enabled") => ({ state, context: "sandbox", process: "infra-cli", reason: "test" });

export const REGISTRY = {
  schema_version: "2.0",
  generated_at: "2026-11-21T00:00:00Z",
  orgs: {
    acme: {
      telemetry_repo: "acme/telemetry",
      repos: { widgets: entry(), paused: entry("disabled") },
    },
    globex: { telemetry_repo: "globex/telemetry", repos: { sprockets: entry() } },
  },
};

export interface BrokerWorld {
  github: TestGitHub;
  broker: RunningBroker;
  logs: string[];
  /** The app repository's commit tagged v1.0.0, and a later commit that is not released. */
  released: string;
  unreleased: string;
  /** Claims of a valid enforce job for acme/widgets (ids are the local GitHub's). */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** An ID token minted by the local GitHub's issuer. */
  mint(
    claims: Record<string, unknown>,
    options?: { audience?: string; ttl_seconds?: number },
  ): Promise<string>;
  /** POSTs to the broker with a bearer token. */
  exchange(
    token: string | undefined,
    body: unknown,
    path?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * A local GitHub with the operator org (app repository with a release tag, private infra repository
 * holding the registry), acme (widgets enabled, paused disabled, telemetry) and globex, the App
 * installed on all three; and a broker in front of it that trusts the local GitHub's OIDC issuer.
 */
export async function startBrokerWorld(options: Partial<BrokerOptions> = {}): Promise<BrokerWorld> {
  const github = await startTestGitHub({
    users: [{ login: "operator" }],
    orgs: [
      { login: OPERATOR, members: [{ login: "operator", role: "admin" }] },
      { login: "acme", members: [{ login: "operator", role: "admin" }] },
      { login: "globex", members: [{ login: "operator", role: "admin" }] },
      { login: "forker", members: [{ login: "operator", role: "admin" }] },
    ],
    repos: [
      { name: APP_REPOSITORY, private: false, files: { "README.md": "app\n" } },
      { name: `forker/${APP_NAME}`, private: false, files: { "README.md": "fork\n" } },
      {
        name: INFRA_REPOSITORY,
        private: true,
        files: { [REGISTRY_PATH]: `${JSON.stringify(REGISTRY, null, 2)}\n` },
      },
      { name: "acme/widgets", private: true, files: { "README.md": "w\n" } },
      { name: "acme/paused", private: true },
      { name: "acme/telemetry", private: true, files: { "README.md": "t\n" } },
      { name: "acme/stray", private: true },
      { name: "globex/sprockets", private: true },
      { name: "globex/telemetry", private: true, files: { "README.md": "t\n" } },
    ],
    apps: [
      {
        slug: "task-assistant",
        owner: OPERATOR,
        permissions: { issues: "write", contents: "write", metadata: "read" },
      },
    ],
    installations: [
      { app: "task-assistant", account: OPERATOR, repository_selection: "all" },
      { app: "task-assistant", account: "acme", repository_selection: "all" },
      { app: "task-assistant", account: "globex", repository_selection: "all" },
    ],
  });
  const admin = github.client();
  const head = async (repo: string) => {
    const [owner, name] = repo.split("/");
    return (await admin.rest.repos.getBranch({ owner, repo: name, branch: "main" })).data.commit.sha;
  };
  const released = await head(APP_REPOSITORY);
  await admin.rest.git.createRef({ owner: OPERATOR, repo: APP_NAME, ref: "refs/tags/v1.0.0", sha: released });
  await admin.rest.repos.createOrUpdateFileContents({
    owner: OPERATOR,
    repo: APP_NAME,
    path: "next.txt",
    message: "unreleased work",
    content: Buffer.from("next\n").toString("base64"),
  });
  const unreleased = await head(APP_REPOSITORY);
  const widgets = (await admin.rest.repos.get({ owner: "acme", repo: "widgets" })).data;
  const app = github.seeded!.apps[0] as unknown as { id: number; private_key: string };

  const logs: string[] = [];
  const broker = await startBroker({
    apiUrl: github.url,
    appId: String(app.id),
    privateKey: app.private_key,
    issuer: github.oidcIssuer,
    audience: BROKER_AUDIENCE,
    appRepository: APP_REPOSITORY,
    infraRepository: INFRA_REPOSITORY,
    allowedEvents: ["issues", "push", "pull_request", "schedule", "workflow_dispatch"],
    allowSelfHosted: false,
    skewSeconds: 60,
    maxTokenBytes: 8 * 1024,
    log: (line) => logs.push(line),
    ...options,
  });

  let counter = 0;
  const world: BrokerWorld = {
    github,
    broker,
    logs,
    released,
    unreleased,
    claims: (overrides = {}) => {
      counter += 1;
      return {
        sub: `repo:acme/widgets:ref:refs/heads/main`,
        repository: "acme/widgets",
        repository_id: String(widgets.id),
        repository_owner: "acme",
        repository_owner_id: String(widgets.owner.id),
        job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@refs/tags/v1.0.0`,
        job_workflow_sha: released,
        event_name: "issues",
        runner_environment: "github-hosted",
        jti: `jti-${counter}-${Math.random()}`,
        ...overrides,
      };
    },
    mint: async (claims, mintOptions = {}) =>
      (
        await github.admin<{ value: string }>("POST", "/_emulator/actions/id-token", {
          claims,
          audience: BROKER_AUDIENCE,
          ...mintOptions,
        })
      ).value,
    exchange: async (token, body, path = "/v1/installation-token") => {
      const response = await fetch(`${broker.url}${path}`, {
        method: "POST",
        headers: {
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    stop: async () => {
      await broker.stop();
      await github.stop();
    },
  };
  return world;
}

/** A token signed by a key the issuer never published, with whatever header the test wants. */
export async function forgeToken(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: "RS256" },
): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", ...header }).sign(privateKey);
}

export const ENFORCE_REQUEST = { owner: "acme", repositories: ["widgets"], permissions: { issues: "write" } };
