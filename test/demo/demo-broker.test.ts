import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDemo, type DemoSession } from "../../src/demo/run-demo.js";
import type { StateSnapshot } from "../../src/emulator/state/types.js";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";

interface Exchange {
  endpoint: string;
  outcome: string;
  status: number;
  engine?: string;
  claims?: { repository: string; job_workflow_ref: string; job_workflow_sha: string; event_name: string };
  grant?: { owner: string; repositories: string[]; permissions: Record<string, string> };
}

/**
 * `npm run demo`: every engine job of the demo holds no App key and gets its installation tokens
 * from the token broker, through an ID token the local GitHub issued for that job.
 */
describe("the demo's engines run on broker-issued installation tokens", () => {
  let stateDir: string;
  let session: DemoSession;
  let output = "";
  let exchanges: Exchange[];
  let state: StateSnapshot;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "demo-broker-"));
    session = await runDemo({
      stateDir,
      engineRef: "v0.1.0",
      say: (text) => void (output += text),
      env: { PATH: process.env.PATH, HOME: stateDir, TASK_ASSISTANT_HOME: join(stateDir, "home") },
    });
    await session.stop();
    exchanges = (await readFile(join(stateDir, "broker.log"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Exchange);
    state = JSON.parse(await readFile(join(stateDir, "github", "state.json"), "utf8")) as StateSnapshot;
  }, 120_000);
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it("prints the broker's URL and a refusal with its code", () => {
    expect(output).toContain(`   broker    ${session.broker.url}  (token broker`);
    expect(output).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/installation-token → 403 workflow_sha_not_release: /,
    );
    const refused = exchanges.filter((exchange) => exchange.outcome === "refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 403, code: "workflow_sha_not_release" });
  });

  it("gives every engine job's record a token of its own, exchanged for the job's release-bound ID token", () => {
    // Each row names its record file; the run's record directory is named once under the table.
    const records = output.match(/ ok {2}.* [\w-]+\.json$/gm) ?? [];
    expect(output.match(/^ {5}records in telemetry\/v1\/repos\/\S+\/ of /gm)).toHaveLength(15);
    // materialize and validate: 3 runs × 2 jobs; enforce: 6 × 2; self-test: 3 × 3.
    expect(records).toHaveLength(33);
    const granted = exchanges.filter(
      (exchange) => exchange.endpoint === "installation-token" && exchange.outcome === "granted",
    );
    const recordGrants = granted.filter((exchange) =>
      exchange.grant!.repositories.every((name) => name === "task-assistant-telemetry"),
    );
    expect(recordGrants.length).toBeGreaterThanOrEqual(33);
    for (const exchange of granted) {
      expect(exchange.claims!.job_workflow_sha).toBe(session.release.sha);
      expect(exchange.claims!.job_workflow_ref).toBe(
        `${APP_REPOSITORY}/.github/workflows/engine-${exchange.engine}.yml@refs/tags/v0.1.0`,
      );
      expect(exchange.grant!.repositories).toHaveLength(1);
      expect(exchange.grant!.owner).toBe(exchange.claims!.repository.split("/")[0]);
    }
    const engines = new Set(granted.map((exchange) => exchange.engine));
    expect([...engines].sort()).toEqual(
      ["dashboard", "enforce", "materialize", "preflight", "self-test", "validate"].sort(),
    );
  });

  it("narrows each grant to its engine: issues write only for materialize and enforce runs, on the host alone", () => {
    const granted = exchanges.filter((exchange) => exchange.outcome === "granted" && exchange.grant);
    const issueWriters = granted.filter((exchange) => exchange.grant!.permissions.issues === "write");
    expect(issueWriters.length).toBeGreaterThan(0);
    for (const exchange of issueWriters) {
      // Preflight checks that the run's token reaches what the run's engines will need.
      expect(["preflight", "materialize", "enforce"]).toContain(exchange.engine);
      expect(exchange.grant!.repositories).toEqual([exchange.claims!.repository.split("/")[1]]);
    }
    expect(issueWriters.map((exchange) => exchange.engine)).toContain("enforce");
    for (const exchange of granted.filter((e) => e.grant!.repositories[0] === "task-assistant-telemetry"))
      expect(exchange.grant!.permissions.issues).toBeUndefined();
  });

  it("finds each grant as an installation token in the local GitHub, of the host org's installation, narrowed", () => {
    const account = (id: number) => state.accounts.find((candidate) => candidate.id === id)?.login;
    const repoName = (id: number) => state.repos.find((repo) => repo.id === id)?.name;
    const installationTokens = state.tokens
      .filter((token) => token.kind === "installation")
      .map((token) => {
        const installation = state.installations.find((item) => item.id === token.installationId)!;
        return {
          owner: account(installation.accountId),
          repositories: (token.repositoryIds ?? []).map(repoName),
          permissions: token.permissions,
        };
      });
    const granted = exchanges.filter((exchange) => exchange.outcome === "granted" && exchange.grant);
    for (const { grant } of granted)
      expect(installationTokens).toContainEqual({
        owner: grant!.owner,
        repositories: grant!.repositories,
        permissions: grant!.permissions,
      });
  });
});
