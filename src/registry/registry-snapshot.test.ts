import { describe, expect, it } from "vitest";
import { aRegistry, aRepo, registryText } from "../../test/infra/support/registry-builders.js";
import { gitBlobSha } from "../util/git-blob-sha.js";
import { readRegistry } from "./registry-snapshot.js";

function snapshotOf(text: string) {
  return readRegistry(text, { sha: gitBlobSha(text), file: "infra/telemetry-registry.v2.json" });
}

describe("readRegistry → resolve", () => {
  const text = registryText();
  const snapshot = snapshotOf(text);
  const sha = gitBlobSha(text);

  it("resolves an enabled repo as ELIGIBLE with its context, telemetry repo and the registry's blob SHA", () => {
    expect(snapshot.resolve("acme/widgets")).toEqual({
      outcome: "ELIGIBLE",
      owner: "acme",
      repo: "widgets",
      context: "production",
      state: "enabled",
      telemetry_repo: "acme/telemetry",
      registry_sha: sha,
      reason: "acme/widgets is registered and enabled (production); telemetry goes to acme/telemetry",
    });
  });

  it("resolves a disabled repo as DISABLED, quoting the entry's reason", () => {
    expect(snapshot.resolve("acme/gadgets")).toMatchObject({
      outcome: "DISABLED",
      state: "disabled",
      context: "sandbox",
      telemetry_repo: "acme/telemetry",
      reason: "acme/gadgets is registered but disabled (paused for migration); engines do not run for it",
    });
  });

  it("resolves an unknown repo of a known org as UNREGISTERED, still naming the org's telemetry repo", () => {
    const resolution = snapshot.resolve("acme/unknown");
    expect(resolution).toMatchObject({
      outcome: "UNREGISTERED",
      owner: "acme",
      repo: "unknown",
      telemetry_repo: "acme/telemetry",
    });
    expect(resolution.context).toBeUndefined();
    expect(resolution.state).toBeUndefined();
  });

  it("resolves a repo of an unknown org as ORG_UNREGISTERED without any telemetry repo", () => {
    const resolution = snapshot.resolve("other/widgets");
    expect(resolution).toEqual({
      outcome: "ORG_UNREGISTERED",
      owner: "other",
      repo: "widgets",
      registry_sha: sha,
      reason: "org other is not in the registry; nothing runs for repositories the registry does not name",
    });
  });

  it("matches names case-insensitively, as GitHub does, and answers with the registry's spelling", () => {
    expect(snapshot.resolve("ACME/Widgets")).toMatchObject({
      outcome: "ELIGIBLE",
      owner: "acme",
      repo: "widgets",
    });
    expect(snapshot.resolve("Acme/nothing")).toMatchObject({
      outcome: "UNREGISTERED",
      owner: "acme",
      repo: "nothing",
    });
  });

  it("refuses text that is not owner/repo", () => {
    for (const bad of ["acme", "acme/", "/widgets", "acme/widgets/x", ""]) {
      expect(() => snapshot.resolve(bad)).toThrow(/is not of the form owner\/repo/);
    }
  });

  it("lists enabled repos by org, sorted, leaving out disabled repos and orgs with none enabled", () => {
    const registry = aRegistry();
    registry.orgs.acme.repos.anvil = aRepo();
    registry.orgs.beta = { telemetry_repo: "beta/t", repos: { only: aRepo({ state: "disabled" }) } };
    registry.orgs.Alpha = { telemetry_repo: "Alpha/t", repos: { z: aRepo(), a: aRepo() } };
    expect(snapshotOf(registryText(registry)).enabledRepos()).toEqual([
      { owner: "Alpha", telemetry_repo: "Alpha/t", repos: ["a", "z"] },
      { owner: "acme", telemetry_repo: "acme/telemetry", repos: ["anvil", "widgets"] },
    ]);
  });
});

describe("readRegistry of a broken registry", () => {
  it("resolves every repo as REGISTRY_INVALID with the problems, and lists nothing", () => {
    const registry = aRegistry();
    delete (registry.orgs.acme.repos.widgets as Partial<typeof registry.orgs.acme.repos.widgets>).context;
    const snapshot = snapshotOf(registryText(registry));
    expect(snapshot.valid).toBe(false);
    const resolution = snapshot.resolve("acme/gadgets");
    expect(resolution).toMatchObject({ outcome: "REGISTRY_INVALID", owner: "acme", repo: "gadgets" });
    expect(resolution.telemetry_repo).toBeUndefined();
    expect(resolution.problems).toEqual([
      expect.objectContaining({
        path: "/orgs/acme/repos/widgets/context",
        file: "infra/telemetry-registry.v2.json",
      }),
    ]);
    expect(resolution.reason).toMatch(/^the registry is invalid \(1 problem; first: context is required/);
    expect(snapshot.enabledRepos()).toEqual([]);
  });

  it("resolves every repo as UNSUPPORTED_SCHEMA, naming the version", () => {
    const snapshot = snapshotOf(registryText({ ...aRegistry(), schema_version: "3.0" }));
    expect(snapshot.resolve("acme/widgets")).toMatchObject({
      outcome: "UNSUPPORTED_SCHEMA",
      reason: "schema_version 3.0 is not supported by this build; supported: 2.0",
    });
  });

  it("resolves every repo as REGISTRY_INVALID when the JSON does not parse", () => {
    const snapshot = snapshotOf('{"schema_version": "2.0"');
    expect(snapshot.resolve("acme/widgets")).toMatchObject({
      outcome: "REGISTRY_INVALID",
      problems: [
        expect.objectContaining({ line: 1, col: 25, message: expect.stringMatching(/^invalid JSON/) }),
      ],
    });
  });
});

describe("gitBlobSha", () => {
  it("is what git and the contents API report for the same bytes", () => {
    expect(gitBlobSha("")).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect(gitBlobSha("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(gitBlobSha(new TextEncoder().encode("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });
});
