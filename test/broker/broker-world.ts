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
      repos: { widgets: entry(), paused: entry("disabled"), gizmo: entry() },
    },
    globex: { telemetry_repo: "globex/telemetry", repos: { sprockets: entry() } },
    // Registered, but the App is not installed (initech), installed without issues (umbrella), or
    // installed and then suspended by a test (hooli).
    initech: { telemetry_repo: "initech/telemetry", repos: { tps: entry() } },
    umbrella: { telemetry_repo: "umbrella/telemetry", repos: { hive: entry() } },
    hooli: { telemetry_repo: "hooli/telemetry", repos: { nucleus: entry() } },
  },
};

export interface BrokerWorld extends BrokerGitHub {
  broker: RunningBroker;
  logs: string[];
  /** POSTs to the broker with a bearer token. */
  exchange(
    token: string | undefined,
    body: unknown,
    path?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** The local GitHub a broker runs against, with the App and the helpers to mint job tokens. */
export interface BrokerGitHub {
  github: TestGitHub;
  /** The App's id and PEM private key. */
  app: { id: number; private_key: string };
  /** The app repository's commit tagged v1.0.0, and a later commit that is not released. */
  released: string;
  unreleased: string;
  /** Claims of a valid enforce job for acme/widgets (ids are the local GitHub's). */
  claims(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Claims of a valid `engine` job for `repository` (its current ids on the local GitHub). */
  jobClaims(
    repository: string,
    engine?: string,
    overrides?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  /** An ID token minted by the local GitHub's issuer. */
  mint(
    claims: Record<string, unknown>,
    options?: { audience?: string; ttl_seconds?: number },
  ): Promise<string>;
}

/**
 * A local GitHub with the operator org (app repository with a release tag, private infra repository
 * holding the registry), acme (widgets enabled, paused disabled, telemetry) and globex, the App
 * installed on all three; and a broker in front of it that trusts the local GitHub's OIDC issuer.
 */
export async function startBrokerWorld(options: Partial<BrokerOptions> = {}): Promise<BrokerWorld> {
  const world = await startBrokerGitHub();
  const logs: string[] = [];
  const broker = await startBroker({
    ...brokerOptionsFor(world),
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    ...world,
    broker,
    logs,
    exchange: (token, body, path) => exchangeAt(broker.url, token, body, path),
    stop: async () => {
      await broker.stop();
      await world.github.stop();
    },
  };
}

/** The broker settings that trust `world`'s local GitHub (its issuer, API, App and repositories). */
export function brokerOptionsFor(world: BrokerGitHub): BrokerOptions {
  return {
    apiUrl: world.github.url,
    appId: String(world.app.id),
    privateKey: world.app.private_key,
    issuer: world.github.oidcIssuer,
    audience: BROKER_AUDIENCE,
    appRepository: APP_REPOSITORY,
    infraRepository: INFRA_REPOSITORY,
    allowedEvents: ["issues", "push", "pull_request", "schedule", "workflow_dispatch"],
    allowSelfHosted: false,
    skewSeconds: 60,
    maxTokenBytes: 8 * 1024,
  };
}

/** POSTs `body` to the broker at `url` with a bearer token. */
export async function exchangeAt(
  url: string,
  token: string | undefined,
  body: unknown,
  path = "/v1/installation-token",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The local GitHub of `startBrokerWorld`, without a broker (for a broker in another process). */
export async function startBrokerGitHub(): Promise<BrokerGitHub> {
  const github = await startTestGitHub({
    users: [{ login: "operator" }],
    orgs: [
      { login: OPERATOR, members: [{ login: "operator", role: "admin" }] },
      { login: "acme", members: [{ login: "operator", role: "admin" }] },
      { login: "globex", members: [{ login: "operator", role: "admin" }] },
      { login: "forker", members: [{ login: "operator", role: "admin" }] },
      ...["initech", "umbrella", "hooli"].map((login) => ({
        login,
        members: [{ login: "operator", role: "admin" as const }],
      })),
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
      { name: "acme/gizmo", private: true },
      { name: "initech/tps", private: true },
      { name: "umbrella/hive", private: true },
      { name: "hooli/nucleus", private: true },
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
      {
        app: "task-assistant",
        account: "umbrella",
        repository_selection: "all",
        permissions: { contents: "write", metadata: "read" },
      },
      { app: "task-assistant", account: "hooli", repository_selection: "all" },
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

  let counter = 0;
  return {
    github,
    app,
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
    jobClaims: async (repository, engine = "enforce", overrides = {}) => {
      const [owner, name] = repository.split("/");
      const repo = (await admin.rest.repos.get({ owner, repo: name })).data;
      counter += 1;
      return {
        sub: `repo:${repository}:ref:refs/heads/main`,
        repository,
        repository_id: String(repo.id),
        repository_owner: owner,
        repository_owner_id: String(repo.owner.id),
        job_workflow_ref: `${APP_REPOSITORY}/.github/workflows/engine-${engine}.yml@refs/tags/v1.0.0`,
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
  };
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
