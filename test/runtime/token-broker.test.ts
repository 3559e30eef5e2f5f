import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idTokenClaims } from "../../src/actions-runner/id-token-claims.js";
import { localGitHubIdToken } from "../../src/actions-runner/local-github-id-token.js";
import { startBroker, type RunningBroker } from "../../src/broker/start-broker.js";
import { BROKER_AUDIENCE } from "../../src/github/broker-token-provider.js";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import type { TestGitHub } from "../support/local-github.js";
import { runCli } from "./support/run-cli.js";
import { INFRA_REPO, parseRecord, recordsOf, startWorld } from "./support/runtime-world.js";

const [APP_ORG, APP_NAME] = APP_REPOSITORY.split("/") as [string, string];
const RELEASE = "v1.4.0";

/**
 * How the App's private key stays out of host repositories (prior implementation §10 item 1): an
 * engine job on GitHub Actions holds only its OIDC token; the token broker, which holds the key,
 * exchanges it for an installation token narrowed to that job's own repository, its org's telemetry
 * repository and its engine's permissions. The job's ID token comes from the local GitHub's Actions
 * OIDC issuer, through the runtime's own ACTIONS_ID_TOKEN_REQUEST_URL client.
 */
describe("engine jobs without any key, through the token broker", () => {
  let github: TestGitHub;
  let broker: RunningBroker;
  let releaseSha: string;
  const logs: string[] = [];

  beforeAll(async () => {
    github = await startWorld();
    await github.seed({
      orgs: [{ login: APP_ORG }],
      repos: [{ name: APP_REPOSITORY, private: false, files: { "README.md": "# Task Assistant\n" } }],
      installations: [
        {
          app: "task-assistant",
          account: APP_ORG,
          repository_selection: "selected",
          repositories: [APP_NAME],
          permissions: { contents: "read", metadata: "read" },
        },
      ],
    });
    const admin = github.client();
    releaseSha = (await admin.rest.repos.getBranch({ owner: APP_ORG, repo: APP_NAME, branch: "main" })).data
      .commit.sha;
    await admin.rest.git.createRef({
      owner: APP_ORG,
      repo: APP_NAME,
      ref: `refs/tags/${RELEASE}`,
      sha: releaseSha,
    });
    const app = github.seeded!.apps.find((candidate) => candidate.slug === "task-assistant")!;
    broker = await startBroker({
      apiUrl: github.url,
      appId: String(app.id),
      privateKey: app.private_key,
      issuer: github.oidcIssuer,
      audience: BROKER_AUDIENCE,
      appRepository: APP_REPOSITORY,
      infraRepository: INFRA_REPO,
      allowedEvents: ["workflow_dispatch", "issues"],
      allowSelfHosted: false,
      skewSeconds: 60,
      maxTokenBytes: 8 * 1024,
      log: (line) => logs.push(line),
    });
  });
  afterAll(async () => {
    await broker.stop();
    await github.stop();
  });

  /** The env of an engine job of `repository` running `engine`'s released workflow. */
  async function jobEnv(engine: string, repository = "acme/widgets") {
    const [owner, repo] = repository.split("/") as [string, string];
    const { data } = await github.client().rest.repos.get({ owner, repo });
    const claims = idTokenClaims({
      repository,
      repositoryId: data.id,
      repositoryOwnerId: data.owner.id,
      repositoryVisibility: "private",
      actor: "ada",
      actorId: 1,
      eventName: "workflow_dispatch",
      ref: "refs/heads/main",
      sha: "0".repeat(40),
      baseRef: "",
      headRef: "",
      runId: 1,
      runNumber: 1,
      runAttempt: 1,
      workflow: "task-assistant",
      workflowRef: `${repository}/.github/workflows/task-assistant-dispatch.yml@refs/heads/main`,
      workflowSha: "0".repeat(40),
      jobWorkflowRef: `${APP_REPOSITORY}/.github/workflows/engine-${engine}.yml@refs/tags/${RELEASE}`,
      jobWorkflowSha: releaseSha,
      runnerEnvironment: "github-hosted",
    });
    const oidc = await localGitHubIdToken({ baseUrl: github.url, adminToken: github.adminToken })(claims);
    return {
      GITHUB_API_URL: github.url,
      TA_TOKEN_BROKER_URL: broker.url,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.token,
    };
  }

  const exchanges = () =>
    logs.splice(0).map(
      (line) =>
        JSON.parse(line) as {
          outcome: string;
          code?: string;
          reason?: string;
          grant?: { owner: string; repositories: string[]; permissions: Record<string, string> };
        },
    );

  const engineRun = async (args: string[], env: Record<string, string>) =>
    runCli(["engine", "run", ...args], { env });

  const validateArgs = (correlationId: string) => [
    "validate",
    "--target-repo",
    "acme/widgets",
    "--telemetry-repo",
    "acme/telemetry",
    "--correlation-id",
    correlationId,
    "--engine-ref",
    RELEASE,
  ];

  it("runs validate with a narrowed installation token and writes its record as the App", async () => {
    logs.length = 0;
    const result = await engineRun(validateArgs("broker-1"), await jobEnv("validate"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const grants = exchanges().map((exchange) => ({ outcome: exchange.outcome, grant: exchange.grant }));
    expect(grants).toEqual([
      {
        outcome: "granted",
        grant: {
          owner: "acme",
          repositories: ["telemetry"],
          permissions: expect.objectContaining({ contents: "write" }) as unknown,
        },
      },
      {
        outcome: "granted",
        grant: {
          owner: "acme",
          repositories: ["widgets"],
          permissions: expect.objectContaining({ contents: "read", issues: "read" }) as unknown,
        },
      },
    ]);
    expect(grants[0].grant!.permissions.issues).toBeUndefined();
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/broker-1`,
    );
    expect(parseRecord(records.get("validate.json")!)).toMatchObject({ ok: true, engine_name: "validate" });
  });

  const preflightRun = async (correlationId: string, engine: string) =>
    engineRun(
      [
        "preflight",
        "--target-repo",
        "acme/widgets",
        "--correlation-id",
        correlationId,
        "--engine-ref",
        RELEASE,
        "--mode",
        "validate",
        "--infra-repo",
        INFRA_REPO,
      ],
      await jobEnv(engine),
    );

  it("runs preflight with the registry's answer for its own repository only, from the broker", async () => {
    const result = await preflightRun("broker-pre-1", "preflight");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/broker-pre-1`,
    );
    expect(parseRecord(records.get("preflight.json")!).details).toMatchObject({
      ok: true,
      registry: { outcome: "ELIGIBLE", source: `token broker (${INFRA_REPO})` },
    });
  });

  it("answers no registry question from an engine other than preflight", async () => {
    logs.length = 0;
    const result = await preflightRun("broker-pre-2", "validate");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`registry unreadable (token broker (${INFRA_REPO}))`);
    expect(result.stderr).toContain("only preflight asks the registry");
    expect(exchanges().find((exchange) => exchange.outcome === "refused")).toMatchObject({
      code: "not_preflight",
    });
  });

  it("never gives a host's job a token for another org, whatever it asks", async () => {
    logs.length = 0;
    const result = await engineRun(validateArgs("broker-2"), await jobEnv("validate", "globex/sprockets"));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "the token broker refused acme/{telemetry} (HTTP 403): globex/sprockets may not have a token for acme's repositories",
    );
    expect(exchanges().map((exchange) => [exchange.outcome, exchange.code])).toEqual([
      ["refused", "owner_mismatch"],
    ]);
  });
});
