import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExternalError } from "../../src/errors.js";
import { createTokenProvider, type TokenProvider } from "../../src/github/token-provider.js";
import { createEngineCatalog } from "../../src/runtime/engine-catalog.js";
import { executeRun } from "../../src/runtime/execute-run.js";
import { emitRecordWriter } from "../../src/runtime/record-writer.js";
import { createRunCredentials } from "../../src/runtime/run-credentials.js";
import { fixedClock } from "../../src/util/clock.js";
import type { TestGitHub } from "../support/local-github.js";
import { aPlan, infraRegistry, PINNED_AT } from "./support/run-harness.js";
import { parseRecord, recordsOf, startWorld } from "./support/runtime-world.js";

/**
 * With App credentials every engine gets an installation token narrowed to the repositories and
 * permissions it needs (issue 5, Tokens), and preflight judges the run by what GitHub granted.
 */
describe("App credentials", () => {
  let github: TestGitHub;
  const app = (slug: string): TokenProvider => {
    const seeded = github.seeded!.apps.find((candidate) => candidate.slug === slug)!;
    return createTokenProvider(
      { kind: "app", appId: String(seeded.id), privateKey: seeded.private_key },
      { baseUrl: github.url },
    );
  };

  beforeAll(async () => {
    github = await startWorld();
  });
  afterAll(async () => {
    await github.stop();
  });

  it("mints an installation token narrowed to the requested repositories and permissions", async () => {
    const issued = await app("task-assistant").issue({
      owner: "acme",
      repositories: ["widgets"],
      permissions: { issues: "write" },
    });
    expect(issued.grant).toEqual({
      permissions: { issues: "write", metadata: "read" },
      repositories: ["widgets"],
    });
    const client = github.client(issued.token);
    await expect(client.rest.repos.get({ owner: "acme", repo: "widgets" })).resolves.toBeDefined();
    // acme/telemetry is private and inside the installation, but outside this token.
    await expect(client.rest.repos.get({ owner: "acme", repo: "telemetry" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("reports a permission the installation was not granted as an ExternalError with its status", async () => {
    const attempt = app("task-assistant-lite").issue({
      owner: "acme",
      repositories: ["widgets"],
      permissions: { issues: "write" },
    });
    await expect(attempt).rejects.toBeInstanceOf(ExternalError);
    await expect(attempt).rejects.toMatchObject({ status: 422 });
  });

  it("reports an owner the App is not installed on", async () => {
    await expect(
      app("task-assistant").issue({
        owner: "globex",
        repositories: ["sprockets"],
        permissions: { contents: "read" },
      }),
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining("not installed on globex/sprockets") as unknown,
    });
  });

  const runWith = async (slug: string, correlationId: string) =>
    executeRun(
      aPlan(
        "issues",
        { action: "labeled", issue: { number: 1 }, sender: { login: "ada" } },
        {
          target_repo: "acme/widgets",
          correlation_id: correlationId,
        },
      ),
      {
        credentials: createRunCredentials(app(slug), { baseUrl: github.url, retries: 0 }),
        registry: await infraRegistry(github),
        catalog: createEngineCatalog(),
        writer: emitRecordWriter(),
        clock: fixedClock(PINNED_AT),
        source: (engine) => ({ runner: "local", workflow: "task-assistant-dispatch", job: engine }),
        version: "0.0.0-test",
      },
    );

  it("runs enforce with the bot's narrowed tokens and writes both records as the App", async () => {
    const report = await runWith("task-assistant", "app-enforce-1");
    expect(report.ok).toBe(true);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      "telemetry/v1/repos/acme-widgets/2026-11-21/app-enforce-1",
    );
    expect([...records.keys()].sort()).toEqual(["enforce.json", "preflight.json"]);
    const preflight = parseRecord(records.get("preflight.json")!);
    expect(preflight.details.checks.find((check) => check.id === "token.scope")).toMatchObject({
      outcome: "PASS",
    });
  });

  it("fails token.scope when the installation cannot grant issue writes, and still records why", async () => {
    const report = await runWith("task-assistant-lite", "app-lite-1");
    expect(report).toMatchObject({ ok: false, halted: true, engines: [] });
    const records = await recordsOf(
      github,
      "acme/telemetry",
      "telemetry/v1/repos/acme-widgets/2026-11-21/app-lite-1",
    );
    expect([...records.keys()]).toEqual(["preflight.json"]);
    expect(parseRecord(records.get("preflight.json")!).event.reason).toMatch(
      /token\.scope: GitHub refused an installation token for acme\/\{widgets\} .*HTTP 422/,
    );
  });
});
