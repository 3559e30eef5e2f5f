import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRegistry } from "../../src/runtime/registry-source.js";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { gitBlobSha } from "../../src/util/git-blob-sha.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

/** A valid registry of `orgs` orgs with ten repositories each, as an operator's tooling writes it. */
function aLargeRegistry(orgs: number): string {
  const entries: Record<string, unknown> = {};
  for (let index = 0; index < orgs; index += 1) {
    const org = `org-${index}`;
    const repos: Record<string, unknown> = {};
    for (let repo = 0; repo < 10; repo += 1) {
      repos[`repo-${repo}`] = {
        context: "production",
        state: "enabled",
        process: "infra-cli",
        reason: "load",
      };
    }
    entries[org] = { telemetry_repo: `${org}/telemetry`, repos };
  }
  return canonicalJson({
    schema_version: "2.0",
    generated_at: "2026-11-21T00:00:00Z",
    description: "",
    orgs: entries,
  });
}

describe("preflight's registry source", () => {
  let github: TestGitHub;
  const text = aLargeRegistry(700);

  beforeAll(async () => {
    github = await startTestGitHub({
      orgs: [{ login: "ops" }],
      repos: [{ name: "ops/infra", files: { "infra/telemetry-registry.v2.json": text } }],
    });
  });
  afterAll(() => github.stop());

  it("reads a registry larger than the contents API's 1 MB JSON limit from the infra repository", async () => {
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const loaded = await loadRegistry({ kind: "infra-repo", repo: "ops/infra", github: github.client() });
    expect(loaded.kind).toBe("loaded");
    if (loaded.kind !== "loaded") return;
    expect(loaded.snapshot.valid).toBe(true);
    expect(loaded.snapshot.sha).toBe(gitBlobSha(text));
    expect(loaded.snapshot.resolve("org-699/repo-9")).toMatchObject({
      outcome: "ELIGIBLE",
      telemetry_repo: "org-699/telemetry",
    });
  });
});
