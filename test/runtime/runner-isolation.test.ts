import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEngineCatalog } from "../../src/runtime/engine-catalog.js";
import type { TestGitHub } from "../support/local-github.js";
import { aPlan, dispatchPayload, execute, infraRegistry } from "./support/run-harness.js";
import { parseRecord, recordsOf, startWorld, telemetryPaths, writesIn } from "./support/runtime-world.js";
import {
  catalogOf,
  reportingFailure,
  returningGarbage,
  succeeding,
  throwing,
} from "./support/test-engines.js";

const dir = (repo: string, cid: string) => `telemetry/v1/repos/${repo.replace("/", "-")}/2026-11-21/${cid}`;
const parsed = (records: Map<string, string>) =>
  Object.fromEntries([...records].map(([name, text]) => [name, parseRecord(text)]));

describe("the runner", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startWorld();
  });
  afterAll(async () => {
    await github.stop();
  });
  afterEach(async () => {
    await github.clearFaults();
  });

  it("isolates a crashing engine: it gets its ok=false record and the next engine still runs", async () => {
    const selfTest = throwing("self-test", "the probe fell over reading ghp_SUPERSECRET0123456789");
    const dashboard = succeeding("dashboard");
    const warnings: string[] = [];
    const report = await execute(
      github,
      aPlan("workflow_dispatch", dispatchPayload("self-test"), {
        target_repo: "acme/widgets",
        correlation_id: "crash-1",
      }),
      {
        catalog: catalogOf(selfTest, dashboard),
        registry: await infraRegistry(github),
        warn: (line) => warnings.push(line),
      },
    );
    // The operator still reads the whole message in the job log.
    expect(warnings).toEqual([
      "warning: self-test failed: Error: the probe fell over reading ghp_SUPERSECRET0123456789\n",
    ]);
    expect(report.engines.map((o) => [o.engine, o.ok, o.record])).toEqual([
      ["self-test", false, "created"],
      ["dashboard", true, "created"],
    ]);
    expect(dashboard.calls).toHaveLength(1);
    const records = parsed(await recordsOf(github, "acme/telemetry", dir("acme/widgets", "crash-1")));
    expect(Object.keys(records).sort()).toEqual(["dashboard.json", "preflight.json", "self-test.json"]);
    // The crash's message may quote anything; the immutable record keeps only its type.
    expect(JSON.stringify(records["self-test.json"])).not.toContain("ghp_");
    expect(records["self-test.json"]).toMatchObject({
      ok: false,
      event: { action: "failure", reason: "self-test failed: an unexpected Error" },
      details: { ok: false, checks: [{ id: "engine.completed", outcome: "FAIL" }] },
    });
    expect(report.ok).toBe(false);
  });

  it("records an engine that reports ok=false with its own summary as the reason", async () => {
    const validate = reportingFailure("validate", "tracks: sprint is declared twice");
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "notok-1" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    const records = parsed(await recordsOf(github, "acme/telemetry", dir("acme/widgets", "notok-1")));
    expect(records["validate.json"]).toMatchObject({
      ok: false,
      event: { reason: "tracks: sprint is declared twice" },
    });
    expect(report).toMatchObject({ ok: false, halted: false });
  });

  it("replaces a result that breaks the record rules by a stand-in failure, never storing it", async () => {
    const validate = returningGarbage("validate");
    await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "garbage-1" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    const text = (await recordsOf(github, "acme/telemetry", dir("acme/widgets", "garbage-1"))).get(
      "validate.json",
    )!;
    const record = parseRecord(text);
    expect(record).toMatchObject({
      ok: false,
      details: { checks: [{ id: "result.valid", outcome: "FAIL" }] },
    });
    // The forbidden owner/repo pair never reached the store: only the envelope's entity names them.
    expect(JSON.stringify(record.details)).not.toMatch(/"owner"|"repo"/);
  });

  it("gives an engine whose module does not load its ok=false record", async () => {
    const catalog = createEngineCatalog({ validate: () => Promise.reject(new Error("Cannot find module")) });
    await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "noload-1" }),
      {
        catalog,
        registry: await infraRegistry(github),
      },
    );
    const records = parsed(await recordsOf(github, "acme/telemetry", dir("acme/widgets", "noload-1")));
    expect(records["validate.json"].event.reason).toBe("validate could not be loaded: an unexpected Error");
  });

  it("retries a conflicting telemetry write without running the engine again", async () => {
    const validate = succeeding("validate");
    await github.addFaults({ route: "PUT /repos/{owner}/{repo}/contents/{path}", status: 409, count: 2 });
    await github.resetStats();
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "retry-1" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    expect(report.ok).toBe(true);
    expect(validate.calls).toHaveLength(1);
    expect(writesIn(await github.stats())).toEqual([
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
      "PUT /repos/{owner}/{repo}/contents/{path} 409 ×2",
    ]);
    expect(
      [...(await recordsOf(github, "acme/telemetry", dir("acme/widgets", "retry-1"))).keys()].sort(),
    ).toEqual(["preflight.json", "validate.json"]);
  });

  it("passes each engine exactly the context DESIGN §5.4 allows, with one correlation id and engine_ref", async () => {
    const selfTest = succeeding("self-test");
    const dashboard = succeeding("dashboard");
    await execute(
      github,
      aPlan("workflow_dispatch", dispatchPayload("self-test"), {
        target_repo: "acme/widgets",
        correlation_id: "ctx-1",
      }),
      {
        catalog: catalogOf(selfTest, dashboard),
        registry: await infraRegistry(github),
      },
    );
    for (const ctx of [selfTest.calls[0], dashboard.calls[0]]) {
      expect(Object.keys(ctx).sort()).toEqual([
        "clock",
        "correlation_id",
        "dry_run",
        "engine_ref",
        "github",
        "target_repo",
        "telemetry_repo",
      ]);
      expect(ctx).toMatchObject({
        correlation_id: "ctx-1",
        engine_ref: "v1.4.0",
        telemetry_repo: "acme/telemetry",
        dry_run: false,
      });
      expect(Object.isFrozen(ctx)).toBe(true);
    }
  });
});

describe("determinism", () => {
  const servers: TestGitHub[] = [];
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it("replays the same dispatch with the same inputs, engine_ref and pinned clock into byte-identical records", async () => {
    const runOnce = async (github: TestGitHub) => {
      const plan = aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "replay-1" });
      // The real validate engine: it reads the host config and the repository's labels and milestones.
      const report = await execute(github, plan, {
        catalog: createEngineCatalog(),
        registry: await infraRegistry(github),
      });
      expect(report.ok).toBe(true);
      return recordsOf(github, "acme/telemetry", dir("acme/widgets", "replay-1"));
    };
    servers.push(await startWorld(), await startWorld());
    const first = await runOnce(servers[0]);
    const second = await runOnce(servers[1]);
    expect([...first.keys()].sort()).toEqual(["preflight.json", "validate.json"]);
    expect(second).toEqual(first);

    // Replayed against the first server, every record is already there with the same bytes: no write lands.
    await servers[0].resetStats();
    const again = await execute(
      servers[0],
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "replay-1" }),
      {
        catalog: createEngineCatalog(),
        registry: await infraRegistry(servers[0]),
      },
    );
    expect([again.preflight.record, ...again.engines.map((o) => o.record)]).toEqual([
      "identical",
      "identical",
    ]);
    expect(writesIn(await servers[0].stats())).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 422 ×2"]);
  });
});

describe("concurrent dispatches across orgs", () => {
  let github: TestGitHub;
  beforeAll(async () => {
    github = await startWorld();
  });
  afterAll(async () => {
    await github.stop();
  });

  it("keeps each org's records in its own telemetry repository, each run in its own directory", async () => {
    const targets = ["acme/widgets", "acme/gadgets", "globex/sprockets"];
    const registry = await infraRegistry(github);
    const reports = await Promise.all(
      targets.map((target, index) =>
        execute(
          github,
          aPlan("workflow_dispatch", dispatchPayload("self-test"), {
            target_repo: target,
            correlation_id: `multi-${index}`,
          }),
          {
            catalog: catalogOf(succeeding("self-test"), succeeding("dashboard")),
            registry,
          },
        ),
      ),
    );
    expect(reports.map((report) => report.ok)).toEqual([true, true, true]);
    const acme = await telemetryPaths(github, "acme/telemetry");
    const globex = await telemetryPaths(github, "globex/telemetry");
    const files = (repo: string, cid: string) =>
      ["dashboard", "preflight", "self-test"].map((engine) => `${dir(repo, cid)}/${engine}.json`);
    expect(acme).toEqual([...files("acme/gadgets", "multi-1"), ...files("acme/widgets", "multi-0")]);
    expect(globex).toEqual(files("globex/sprockets", "multi-2"));
  });
});
