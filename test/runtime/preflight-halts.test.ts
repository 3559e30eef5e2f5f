import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestGitHub } from "../support/local-github.js";
import { aPlan, dispatchPayload, execute, fileRegistry, infraRegistry } from "./support/run-harness.js";
import {
  parseRecord,
  recordsOf,
  registryText,
  startWorld,
  TOKENS,
  worldRegistry,
  writesIn,
} from "./support/runtime-world.js";
import { catalogOf, succeeding, type SpyEngine } from "./support/test-engines.js";

/**
 * Seed §2 step 2: preflight runs first, mutates nothing, and halts the run when it fails. Its ok=false
 * record names the reason whenever the org's telemetry repository resolves; otherwise the failure is
 * reported and nothing is written anywhere.
 */
describe("preflight halts the run", () => {
  let github: TestGitHub;
  let validate: SpyEngine;

  beforeAll(async () => {
    github = await startWorld();
  });
  afterAll(async () => {
    await github.stop();
  });
  beforeEach(async () => {
    validate = succeeding("validate");
    await github.resetStats();
  });

  const dir = (repo: string, cid: string) => `telemetry/v1/repos/${repo.replace("/", "-")}/2026-11-21/${cid}`;

  async function expectHaltedWithRecord(target: string, cid: string, reasonPart: string) {
    const report = await execute(
      github,
      aPlan("workflow_dispatch", dispatchPayload("validate"), { target_repo: target, correlation_id: cid }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    expect(report).toMatchObject({ ok: false, halted: true, engines: [] });
    expect(validate.calls).toHaveLength(0);
    const records = await recordsOf(github, "acme/telemetry", dir(target, cid));
    expect([...records.keys()]).toEqual(["preflight.json"]);
    const record = parseRecord(records.get("preflight.json")!);
    expect(record).toMatchObject({ ok: false, engine_name: "preflight", event: { action: "failure" } });
    expect(record.event.reason).toContain(reasonPart);
    expect(writesIn(await github.stats())).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
    return record;
  }

  it("for a disabled repo: no engine runs, and the record says DISABLED", async () => {
    const record = await expectHaltedWithRecord("acme/paused", "halt-disabled", "registry.resolve: DISABLED");
    expect(record.details.registry).toMatchObject({
      outcome: "DISABLED",
      state: "disabled",
      context: "sandbox",
    });
  });

  it("for a repo its org did not register: no engine runs, and the record says UNREGISTERED", async () => {
    await expectHaltedWithRecord("acme/stray", "halt-unregistered", "registry.resolve: UNREGISTERED");
  });

  it("for a floating engine_ref in marketplace mode: no engine runs, and the record names the ref", async () => {
    const report = await execute(
      github,
      aPlan("workflow_dispatch", dispatchPayload("validate"), {
        target_repo: "acme/widgets",
        correlation_id: "halt-floating",
        engine_ref: "main",
      }),
      { catalog: catalogOf(validate), registry: await infraRegistry(github) },
    );
    expect(report.halted).toBe(true);
    expect(validate.calls).toHaveLength(0);
    const record = parseRecord(
      (await recordsOf(github, "acme/telemetry", dir("acme/widgets", "halt-floating"))).get(
        "preflight.json",
      )!,
    );
    expect(record.engine_ref).toBe("main");
    expect(record.event.reason).toMatch(/^engine_ref\.policy: engine_ref "main" is not a release tag/);
    expect(writesIn(await github.stats())).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
  });

  it.each([
    [
      "an invalid registry",
      registryText(worldRegistry({ orgs: { acme: { telemetry_repo: "globex/t", repos: {} } } })),
      "REGISTRY_INVALID",
    ],
    [
      "an unsupported registry schema",
      registryText(worldRegistry({ schema_version: "3.0" })),
      "UNSUPPORTED_SCHEMA",
    ],
  ])(
    "for %s: nothing is resolved, nothing is written, and the failure is reported",
    async (_case, text, outcome) => {
      const report = await execute(
        github,
        aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: `halt-${outcome}` }),
        {
          catalog: catalogOf(validate),
          registry: await fileRegistry(text),
        },
      );
      expect(report).toMatchObject({ ok: false, halted: true, telemetry_repo: undefined });
      expect(report.preflight).toMatchObject({ record: "failed" });
      expect(report.preflight.reason).toContain(`registry.resolve: ${outcome}`);
      expect(report.preflight.record_error).toContain("no telemetry repository");
      expect(validate.calls).toHaveLength(0);
      expect(writesIn(await github.stats())).toEqual([]);
    },
  );

  it("for an org the registry does not know: nothing is written, and the failure says so", async () => {
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "initech/thing", correlation_id: "halt-org" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    expect(report).toMatchObject({ halted: true, preflight: { record: "failed" } });
    expect(report.preflight.reason).toContain("registry.resolve: ORG_UNREGISTERED");
    expect(validate.calls).toHaveLength(0);
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("for a telemetry repository that does not exist: nothing is written, and the failure names it", async () => {
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "nomad/app", correlation_id: "halt-missing" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    expect(report).toMatchObject({
      halted: true,
      telemetry_repo: "nomad/telemetry",
      preflight: { record: "failed" },
    });
    expect(report.preflight.reason).toContain(
      "telemetry.access: telemetry repository nomad/telemetry does not exist",
    );
    expect(validate.calls).toHaveLength(0);
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("for a token that may only read the telemetry repository: established from permissions, without writing", async () => {
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "halt-readonly" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
        token: TOKENS.reader,
      },
    );
    expect(report).toMatchObject({ halted: true, preflight: { record: "failed" } });
    expect(report.preflight.reason).toContain(
      "telemetry.access: the run's token may not write contents of acme/telemetry",
    );
    expect(report.preflight.reason).toContain("token.scope");
    expect(validate.calls).toHaveLength(0);
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("for an infra repository the registry cannot be read from: unreadable, not 'unregistered'", async () => {
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "halt-infra" }),
      {
        catalog: catalogOf(validate),
        registry: await (async () => {
          const { loadRegistry } = await import("../../src/runtime/registry-source.js");
          return loadRegistry({
            kind: "infra-repo",
            repo: "ops/task-assistant-infra",
            github: github.client(TOKENS.reader),
          });
        })(),
      },
    );
    expect(report.preflight.reason).toMatch(
      /^registry\.resolve: registry unreadable \(ops\/task-assistant-infra:infra\/telemetry-registry\.v2\.json\): .*HTTP 404/,
    );
    expect(validate.calls).toHaveLength(0);
  });

  it("lists every check, in order, in the record of a passing preflight", async () => {
    const report = await execute(
      github,
      aPlan("schedule", {}, { target_repo: "acme/widgets", correlation_id: "pass-checks" }),
      {
        catalog: catalogOf(validate),
        registry: await infraRegistry(github),
      },
    );
    expect(report.ok).toBe(true);
    expect(validate.calls).toHaveLength(1);
    const record = parseRecord(
      (await recordsOf(github, "acme/telemetry", dir("acme/widgets", "pass-checks"))).get("preflight.json")!,
    );
    expect(record.details.checks.map((check) => `${check.id}:${check.outcome}`)).toEqual([
      "registry.resolve:PASS",
      "target.access:PASS",
      "telemetry.resolve:PASS",
      "telemetry.access:PASS",
      // The world's telemetry repository is not protected: a warning, never a failure.
      "telemetry.protection:WARN",
      "token.scope:PASS",
      "engine_ref.policy:PASS",
      "eligibility:PASS",
    ]);
    expect(writesIn(await github.stats())).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×2"]);
  });
});
