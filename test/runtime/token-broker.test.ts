import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenProvider } from "../../src/github/token-provider.js";
import { ACTIONS_ISSUER, type ActionsClaims } from "../../src/runtime/authorize-token-request.js";
import type { TestGitHub } from "../support/local-github.js";
import { infraRegistry } from "./support/run-harness.js";
import { runCli } from "./support/run-cli.js";
import { parseRecord, recordsOf, startWorld } from "./support/runtime-world.js";
import { startTestBroker, type TestBroker } from "./support/test-broker.js";

const ENGINE_WORKFLOW = (engine: string) =>
  `automated-assistant-systems/task-assistant/.github/workflows/engine-${engine}.yml@refs/tags/v1.4.0`;

/**
 * How the App's private key stays out of host repositories (prior implementation §10 item 1): an
 * engine job on GitHub Actions holds only its OIDC token; the broker, which holds the key, exchanges
 * it for an installation token narrowed to that job's own repository, its org's telemetry repository
 * and its engine's permissions.
 */
describe("engine jobs without any key, through the token broker", () => {
  let github: TestGitHub;
  let broker: TestBroker;

  const claims = (overrides: Partial<ActionsClaims> = {}): ActionsClaims => ({
    iss: ACTIONS_ISSUER,
    aud: "task-assistant",
    repository: "acme/widgets",
    repository_owner: "acme",
    job_workflow_ref: ENGINE_WORKFLOW("validate"),
    ...overrides,
  });

  beforeAll(async () => {
    github = await startWorld();
    const seeded = github.seeded!.apps.find((app) => app.slug === "task-assistant")!;
    const app = createTokenProvider(
      { kind: "app", appId: String(seeded.id), privateKey: seeded.private_key },
      { baseUrl: github.url },
    );
    const registry = await infraRegistry(github);
    if (registry.kind !== "loaded") throw new Error("the world's registry should load");
    broker = await startTestBroker(app, registry.snapshot, claims());
  });
  afterAll(async () => {
    await broker.stop();
    await github.stop();
  });

  const engineRun = (args: string[]) =>
    runCli(["engine", "run", ...args], { env: { GITHUB_API_URL: github.url, ...broker.env } });

  it("runs validate with a narrowed installation token and writes its record as the App", async () => {
    broker.claims = claims();
    broker.decisions.length = 0;
    const result = await engineRun([
      "validate",
      "--target-repo",
      "acme/widgets",
      "--telemetry-repo",
      "acme/telemetry",
      "--correlation-id",
      "broker-1",
      "--engine-ref",
      "v1.4.0",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(broker.decisions).toEqual([
      {
        request: { owner: "acme", repositories: ["telemetry"], permissions: { contents: "write" } },
        status: 200,
      },
      {
        request: {
          owner: "acme",
          repositories: ["widgets"],
          permissions: { contents: "read", issues: "read" },
        },
        status: 200,
      },
    ]);
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/broker-1`,
    );
    expect(parseRecord(records.get("validate.json")!)).toMatchObject({ ok: true, engine_name: "validate" });
  });

  const preflightRun = (correlationId: string) =>
    engineRun([
      "preflight",
      "--target-repo",
      "acme/widgets",
      "--correlation-id",
      correlationId,
      "--engine-ref",
      "v1.4.0",
      "--mode",
      "validate",
      "--infra-repo",
      "ops/task-assistant-infra",
    ]);

  it("runs preflight with the registry's answer for its own repository only, from the broker", async () => {
    broker.claims = claims({ job_workflow_ref: ENGINE_WORKFLOW("preflight") });
    const result = await preflightRun("broker-pre-1");
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
      registry: { outcome: "ELIGIBLE", source: "token broker (ops/task-assistant-infra)" },
    });
  });

  it("answers no registry question from an engine other than preflight", async () => {
    broker.claims = claims();
    const result = await preflightRun("broker-pre-2");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("registry unreadable (token broker (ops/task-assistant-infra))");
    expect(result.stderr).toContain("only preflight reads the registry");
  });

  it("never gives a host's job a token for another org, whatever it asks", async () => {
    broker.claims = claims({ repository: "globex/sprockets", repository_owner: "globex" });
    broker.decisions.length = 0;
    const result = await engineRun([
      "validate",
      "--target-repo",
      "acme/widgets",
      "--telemetry-repo",
      "acme/telemetry",
      "--correlation-id",
      "broker-2",
      "--engine-ref",
      "v1.4.0",
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      "the token broker refused acme/{telemetry} (HTTP 403): globex/sprockets may not have a token for acme's repositories",
    );
    expect(broker.decisions.map((decision) => decision.status)).toEqual([403]);
  });
});
