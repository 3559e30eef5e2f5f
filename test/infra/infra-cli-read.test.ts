import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { gitBlobSha } from "../../src/util/git-blob-sha.js";
import { aRegistry, registryText } from "./support/registry-builders.js";
import { anInfraRepo, gitIn, runCli } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

/** An infra repo whose working-tree registry is `text` (as if checked out from main). */
async function withRegistry(text: string): Promise<string> {
  const root = await anInfraRepo(() => dirs.make());
  await writeFile(join(root, REGISTRY_PATH), text);
  return root;
}

describe("infra resolve", () => {
  it("answers each outcome with the exit code scripts can gate on", async () => {
    const root = await withRegistry(registryText());
    const cases: [string, string, number][] = [
      ["acme/widgets", "ELIGIBLE", 0],
      ["acme/gadgets", "DISABLED", 1],
      ["acme/nothing", "UNREGISTERED", 1],
      ["other/widgets", "ORG_UNREGISTERED", 1],
    ];
    for (const [name, outcome, code] of cases) {
      const result = await runCli(root, ["infra", "resolve", name]);
      expect([result.code, result.stdout.split("\n")[0]]).toEqual([code, `${outcome} ${name}`]);
    }
  });

  it("prints canonical JSON with --json, including the registry's blob SHA, from a subdirectory too", async () => {
    const text = registryText();
    const root = await withRegistry(text);
    await mkdir(join(root, "infra/changelog/deeper"), { recursive: true });
    const result = await runCli(join(root, "infra/changelog/deeper"), [
      "infra",
      "resolve",
      "acme/widgets",
      "--json",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${JSON.stringify(
        {
          context: "production",
          outcome: "ELIGIBLE",
          owner: "acme",
          reason: "acme/widgets is registered and enabled (production); telemetry goes to acme/telemetry",
          registry_sha: gitBlobSha(text),
          repo: "widgets",
          state: "enabled",
          telemetry_repo: "acme/telemetry",
        },
        null,
        2,
      )}\n`,
    );
  });

  it("exits 2 for an unsupported or invalid registry, naming the problem", async () => {
    const unsupported = await withRegistry(registryText({ ...aRegistry(), schema_version: "3.0" }));
    const result = await runCli(unsupported, ["infra", "resolve", "acme/widgets"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("UNSUPPORTED_SCHEMA acme/widgets");
    expect(result.stdout).toContain(
      "reason:         schema_version 3.0 is not supported by this build; supported: 2.0",
    );
    expect(result.stderr).toContain("infra/telemetry-registry.v2.json:23:21 /schema_version:");

    const broken = await withRegistry("{ not json");
    const json = await runCli(broken, ["infra", "resolve", "acme/widgets", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      outcome: "REGISTRY_INVALID",
      problems: [{ line: 1, col: 3, file: "infra/telemetry-registry.v2.json" }],
    });
  });

  it("refuses a malformed name and a directory outside any infra checkout", async () => {
    const root = await withRegistry(registryText());
    const malformed = await runCli(root, ["infra", "resolve", "acme"]);
    expect([malformed.code, malformed.stderr]).toEqual([
      2,
      expect.stringMatching(/"acme" is not of the form owner\/repo/),
    ]);
    const elsewhere = await runCli(await dirs.make(), ["infra", "resolve", "acme/widgets"]);
    expect([elsewhere.code, elsewhere.stderr]).toEqual([
      2,
      expect.stringMatching(/no infra\/telemetry-registry.v2.json in .* or any directory above it/),
    ]);
  });
});

describe("infra validate", () => {
  it("lists every problem with file:line:col and exits 2", async () => {
    const registry = aRegistry();
    registry.orgs.acme.telemetry_repo = "beta/telemetry";
    registry.orgs.acme.repos.widgets.reason = "";
    const root = await withRegistry(registryText(registry));
    const result = await runCli(root, ["infra", "validate"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("infra/telemetry-registry.v2.json: 2 problems");
    expect(result.stdout).toContain("infra/changelog/infra-changelog.jsonl: valid (0 lines)");
    expect(result.stderr).toContain(
      "infra/telemetry-registry.v2.json:16:21 /orgs/acme/repos/widgets/reason: reason must be a non-empty string",
    );
    expect(result.stderr).toContain(
      'infra/telemetry-registry.v2.json:20:25 /orgs/acme/telemetry_repo: telemetry_repo "beta/telemetry" is in another org',
    );
  });

  it("with --staged checks what will be committed, not the working tree", async () => {
    const root = await anInfraRepo(() => dirs.make());
    await writeFile(join(root, REGISTRY_PATH), "{ broken");
    expect((await runCli(root, ["infra", "validate"])).code).toBe(2);
    const staged = await runCli(root, ["infra", "validate", "--staged", "--json"]);
    expect(staged.code).toBe(0);
    expect(JSON.parse(staged.stdout)).toMatchObject({ ok: true, source: "staged" });
    await gitIn(root, "add", REGISTRY_PATH);
    const broken = await runCli(root, ["infra", "validate", "--staged", "--json"]);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toMatchObject({
      ok: false,
      registry: { valid: false, sha: gitBlobSha("{ broken"), problems: [{ path: "", line: 1, col: 3 }] },
      changelog: { valid: true, lines: 0 },
    });
  });
});

describe("infra list", () => {
  it("lists orgs and repos sorted, as text and as JSON", async () => {
    const root = await withRegistry(registryText());
    const text = await runCli(root, ["infra", "list"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n").slice(0, 3)).toEqual([
      "acme  (telemetry: acme/telemetry)",
      "  gadgets  disabled  sandbox     paused for migration",
      "  widgets  enabled   production  core product",
    ]);
    const json = JSON.parse((await runCli(root, ["infra", "list", "--json"])).stdout);
    expect(json.orgs).toEqual([
      {
        owner: "acme",
        telemetry_repo: "acme/telemetry",
        repos: [
          {
            repo: "gadgets",
            state: "disabled",
            context: "sandbox",
            process: "infra-cli",
            reason: "paused for migration",
          },
          {
            repo: "widgets",
            state: "enabled",
            context: "production",
            process: "infra-cli",
            reason: "core product",
          },
        ],
      },
    ]);
  });
});

describe("infra --help", () => {
  it("documents every subcommand with an example", async () => {
    const root = await dirs.make();
    for (const command of [
      "init",
      "register",
      "enable",
      "disable",
      "unregister",
      "validate",
      "resolve",
      "list",
      "branch",
      "finalize",
      "pr create",
      "pr merge",
      "abort",
    ]) {
      const result = await runCli(root, ["infra", ...command.split(" "), "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: task-assistant infra ${command}`));
      expect(result.stdout).toMatch(/Exit codes:/);
      expect(result.stdout).toMatch(/Example:\n {2}\S/);
    }
  });
});
