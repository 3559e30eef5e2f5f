import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { reportError } from "../../src/cli/report-error.js";
import { captureIO } from "../../src/cli/test-io.js";
import { UsageError } from "../../src/errors.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { aRecord } from "./a-record.js";

const entry = { state: "enabled", context: "sandbox", process: "infra-cli", reason: "dashboard fanout test" };

/** acme and globex have telemetry repositories; nomad's was never created, so its org fails. */
const REGISTRY = {
  schema_version: "2.0",
  generated_at: "2026-11-21T00:00:00Z",
  description: "fanout test",
  orgs: {
    acme: { telemetry_repo: "acme/telemetry", repos: { widgets: entry, gadgets: entry } },
    nomad: { telemetry_repo: "nomad/telemetry", repos: { app: entry } },
    globex: {
      telemetry_repo: "globex/telemetry",
      repos: { sprockets: entry, paused: { ...entry, state: "disabled" } },
    },
  },
};

let server: TestGitHub;
let dir: string;
let registryFile: string;

beforeAll(async () => {
  server = await startTestGitHub({
    orgs: [{ login: "acme" }, { login: "globex" }, { login: "nomad" }],
    repos: [
      { name: "acme/telemetry", files: { "README.md": "acme telemetry\n" } },
      { name: "globex/telemetry", files: { "README.md": "globex telemetry\n" } },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "dashboard-fanout-test-"));
  registryFile = join(dir, "telemetry-registry.v2.json");
  await writeFile(registryFile, canonicalJson(REGISTRY));
  await emitRecord(server.client(), {
    telemetry_repo: "acme/telemetry",
    record: aRecord({ repo: "acme/widgets", engine: "preflight", cid: "9-1" }).record,
  });
  await emitRecord(server.client(), {
    telemetry_repo: "globex/telemetry",
    record: aRecord({ repo: "globex/sprockets", engine: "validate", cid: "7-1", ok: false }).record,
  });
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function env() {
  return { GITHUB_API_URL: server.url, GITHUB_TOKEN: server.adminToken, PATH: process.env.PATH, HOME: dir };
}

async function treeOf(repo: string): Promise<string[]> {
  const [owner, name] = repo.split("/");
  const github = server.client();
  const { data: branch } = await github.rest.repos.getBranch({ owner, repo: name, branch: "main" });
  const { data } = await github.rest.git.getTree({
    owner,
    repo: name,
    tree_sha: branch.commit.sha,
    recursive: "1",
  });
  return data.tree.filter((item) => item.type === "blob").map((item) => item.path);
}

describe("task-assistant dashboard fanout", () => {
  it("lists the orgs the registry enables", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    expect(
      await main(["dashboard", "fanout", "--registry", registryFile, "--list-orgs", "--json"], cap.io),
    ).toBe(0);
    expect(JSON.parse(cap.stdout())).toEqual(["acme", "globex", "nomad"]);
  });

  it("builds each org in its own telemetry repository, isolates the org that fails, and exits 1", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    const code = await main(
      [
        "dashboard",
        "fanout",
        "--registry",
        registryFile,
        "--correlation-id",
        "fan-1",
        "--engine-ref",
        "v1.4.0",
        "--json",
      ],
      cap.io,
    );
    expect(code).toBe(1);
    const summary = JSON.parse(cap.stdout()) as {
      correlation_id: string;
      failed: number;
      orgs: Array<{ owner: string; ok: boolean; records: number; status?: string; error?: string }>;
    };
    expect(summary.correlation_id).toBe("fan-1");
    expect(summary.failed).toBe(1);
    expect(summary.orgs.map((org) => [org.owner, org.ok, org.records, org.status])).toEqual([
      // gadgets is enabled but has never run: the org's roll-up says so.
      ["acme", true, 2, "no-telemetry"],
      // sprockets' only validate run failed: the org is failing, not healthy.
      ["globex", true, 1, "failing"],
      ["nomad", false, 0, undefined],
    ]);
    expect(summary.orgs[2].error).toMatch(/^git clone failed/);

    // acme: its dashboards and one dashboard record per enabled repository, under the fanout's id.
    const acme = await treeOf("acme/telemetry");
    expect(acme).toEqual(
      expect.arrayContaining([
        "telemetry/v1/dashboards/acme-gadgets/dashboard.json",
        "telemetry/v1/dashboards/acme-widgets/dashboard.json",
        "telemetry/v1/dashboards/index.html",
        "telemetry/v1/dashboards/index.json",
        expect.stringMatching(
          /^telemetry\/v1\/repos\/acme-widgets\/\d{4}-\d{2}-\d{2}\/fan-1\/dashboard\.json$/,
        ),
        expect.stringMatching(
          /^telemetry\/v1\/repos\/acme-gadgets\/\d{4}-\d{2}-\d{2}\/fan-1\/dashboard\.json$/,
        ),
      ]),
    );
    // Nothing of one org ever lands in another org's repository.
    expect(acme.filter((path) => /globex|nomad/.test(path))).toEqual([]);
    const globex = await treeOf("globex/telemetry");
    expect(globex.filter((path) => /acme|nomad/.test(path))).toEqual([]);
    expect(globex.filter((path) => path.endsWith("/fan-1/dashboard.json"))).toEqual([
      expect.stringMatching(/^telemetry\/v1\/repos\/globex-sprockets\//),
    ]);
  });

  it("warns about a telemetry repository whose default branch is not protected, and builds it anyway", async () => {
    await server.client().rest.repos.updateBranchProtection({
      owner: "globex",
      repo: "telemetry",
      branch: "main",
      required_status_checks: null,
      enforce_admins: false,
      required_pull_request_reviews: null,
      restrictions: null,
    });
    const cap = captureIO({ env: env(), cwd: dir });
    const code = await main(
      [
        "dashboard",
        "fanout",
        "--registry",
        registryFile,
        "--org",
        "acme",
        "--org",
        "globex",
        "--engine-ref",
        "v1.4.0",
      ],
      cap.io,
    );
    await server
      .client()
      .rest.repos.deleteBranchProtection({ owner: "globex", repo: "telemetry", branch: "main" });
    expect(code).toBe(0);
    const lines = cap.stdout().split("\n");
    const acme = lines.findIndex((line) => line.startsWith("  acme: "));
    expect(lines[acme + 1]).toBe(
      "    WARN: main of acme/telemetry is not protected: anyone who may push can rewrite or delete its records; run `task-assistant telemetry protect --repo acme/telemetry`",
    );
    const globex = lines.findIndex((line) => line.startsWith("  globex: "));
    expect(globex).toBeGreaterThan(acme);
    expect(lines.filter((line) => line.includes("WARN"))).toHaveLength(1);
  });

  it("run locally without --engine-ref, records this CLI's version as the engine_ref, never 'development'", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    const code = await main(
      [
        "dashboard",
        "fanout",
        "--registry",
        registryFile,
        "--org",
        "globex",
        "--correlation-id",
        "fan-2",
        "--json",
      ],
      cap.io,
    );
    expect(code).toBe(0);
    const version = (
      JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
        version: string;
      }
    ).version;
    expect((JSON.parse(cap.stdout()) as { engine_ref: string }).engine_ref).toBe(`v${version}`);
    const [path] = (await treeOf("globex/telemetry")).filter((p) => p.endsWith("/fan-2/dashboard.json"));
    const { data } = await server.client().rest.repos.getContent({
      owner: "globex",
      repo: "telemetry",
      path,
      mediaType: { format: "raw" },
    });
    expect((JSON.parse(data as unknown as string) as { engine_ref: string }).engine_ref).toBe(`v${version}`);
  });

  it("refuses to run without a registry source", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    const failure = await main(["dashboard", "fanout"], cap.io).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect(reportError(failure, cap.io)).toBe(2);
    expect(cap.stderr()).toContain("error: pass exactly one of --infra-repo and --registry");
  });
});
