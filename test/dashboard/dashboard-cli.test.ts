import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/command.js";
import { main } from "../../src/cli/main.js";
import { reportError } from "../../src/cli/report-error.js";
import { captureIO } from "../../src/cli/test-io.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { sendMalformedRequests, survivalProblems } from "../support/malformed-requests.js";
import { aRecord } from "./a-record.js";

let server: TestGitHub;
let dir: string;

beforeAll(async () => {
  server = await startTestGitHub({
    orgs: [{ login: "acme" }],
    repos: [
      // A monitored host repository: never a place for dashboards.
      { name: "acme/tps-reports", files: { "README.md": "tps reports\n" } },
      // A new telemetry repository without records yet.
      { name: "acme/fresh-telemetry", files: { "README.md": "acme telemetry\n" } },
      {
        name: "acme/telemetry",
        files: {
          "README.md": "acme telemetry\n",
          // A file written by hand into the record tree: not a record, so the telemetry is invalid.
          "telemetry/v1/repos/acme-widgets/2026-11-20/hand-1/enforce.json": "{ not json",
        },
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), "dashboard-cli-test-"));
  for (const spec of [
    { engine: "preflight", cid: "5-1" },
    { engine: "enforce", cid: "5-1", ok: false, reason: "issue #4 is locked" },
  ]) {
    await emitRecord(server.client(), { telemetry_repo: "acme/telemetry", record: aRecord(spec).record });
  }
});

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const env = () => ({ GITHUB_API_URL: server.url, GITHUB_TOKEN: server.adminToken, PATH: process.env.PATH });

describe("task-assistant dashboard build", () => {
  it("writes the dashboards to --out, reports them, and exits 1 with --strict on invalid telemetry, even when failing runs set the status", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    expect(
      await main(["dashboard", "build", "--repo", "acme/telemetry", "--out", "out", "--strict"], cap.io),
    ).toBe(1);
    expect(cap.stdout()).toContain("dashboards for acme (acme/telemetry at ");
    expect(cap.stdout()).toContain("full build: read 3 record file(s)");
    expect(cap.stdout()).toMatch(
      /acme\/widgets {2}failing {12}1 runs, 2 records, 1 failed, 1 invalid; last enforce failed/,
    );
    expect(cap.stdout()).toContain(`written to ${join(dir, "out")}`);
    expect((await readdir(join(dir, "out"))).sort()).toEqual([
      "acme-widgets",
      "index.html",
      "index.json",
      "state.json",
    ]);
    const widgets = JSON.parse(await readFile(join(dir, "out", "acme-widgets", "dashboard.json"), "utf8"));
    expect(widgets.problems.items).toEqual([
      {
        path: "telemetry/v1/repos/acme-widgets/2026-11-20/hand-1/enforce.json",
        message: expect.stringMatching(/^the file is not valid JSON/),
      },
    ]);
  });

  it("without --strict, reports invalid telemetry and exits 0; --json gives the report as data", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    expect(
      await main(["dashboard", "build", "--repo", "acme/telemetry", "--out", "out", "--json"], cap.io),
    ).toBe(0);
    const report = JSON.parse(cap.stdout());
    expect(report).toMatchObject({
      owner: "acme",
      status: "failing",
      mode: "incremental",
      files_read: 0,
      published: null,
      written_to: join(dir, "out"),
    });
    expect(report.repos).toEqual([
      {
        repository: "acme/widgets",
        status: "failing",
        health: { runs: "failing", failing_engines: ["enforce"], records: "invalid" },
        runs: 1,
        records: 2,
        failure: 1,
        invalid_records: 1,
      },
    ]);
  });

  it("refuses a --repo that is not OWNER/REPO with exit 2, before touching GitHub", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    await server.resetStats();
    const failure = await main(["dashboard", "build", "--repo", "acme"], cap.io).catch(
      (error: unknown) => error,
    );
    expect(reportError(failure, cap.io)).toBe(2);
    expect(cap.stderr()).toContain('error: --repo "acme" is not OWNER/REPO');
    const stats = await server.stats();
    expect([stats.total, stats.git.upload_pack]).toEqual([0, 0]);
  });
});

describe("task-assistant dashboard build refuses what is not the org's telemetry repository", () => {
  const registry = async (telemetryRepo: string) => {
    const file = join(dir, `registry-${telemetryRepo.replace("/", "-")}.json`);
    await writeFile(
      file,
      canonicalJson({
        schema_version: "2.0",
        generated_at: "2026-11-21T00:00:00Z",
        description: "dashboard build test",
        orgs: {
          acme: {
            telemetry_repo: telemetryRepo,
            repos: {
              widgets: { state: "enabled", context: "sandbox", process: "infra-cli", reason: "test" },
            },
          },
        },
      }),
    );
    return file;
  };
  const refused = async (args: string[]) => {
    const cap = captureIO({ env: env(), cwd: dir });
    const failure = await main(["dashboard", "build", ...args], cap.io).catch((error: unknown) => error);
    return { code: reportError(failure, cap.io), stderr: cap.stderr(), stdout: cap.stdout() };
  };
  const tree = async (repo: string) => {
    const [owner, name] = repo.split("/");
    const branch = await server.client().rest.repos.getBranch({ owner, repo: name, branch: "main" });
    return branch.data.commit.sha;
  };

  it("refuses a repository with no telemetry/v1/repos/ tree (exit 2) and publishes nothing into it", async () => {
    const before = await tree("acme/tps-reports");
    await server.resetStats();
    const outcome = await refused(["--repo", "acme/tps-reports"]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("error: acme/tps-reports has no telemetry/v1/repos/ tree at ");
    expect(outcome.stderr).toContain("it is not a telemetry repository; nothing was published");
    expect(outcome.stdout).toBe("");
    expect((await server.stats()).git.receive_pack).toBe(0);
    expect(await tree("acme/tps-reports")).toBe(before);
    // Nor is anything written locally.
    const out = await refused(["--repo", "acme/tps-reports", "--out", "tps-out"]);
    expect(out.code).toBe(2);
    await expect(readdir(join(dir, "tps-out"))).rejects.toThrow(/ENOENT/);
  });

  it("with a registry, refuses any repository but the org's registered telemetry repository, before any git", async () => {
    const file = await registry("acme/telemetry");
    await server.resetStats();
    const outcome = await refused(["--repo", "acme/tps-reports", "--registry", file, "--dry-run"]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      "error: acme/tps-reports is not the telemetry repository of acme: the registry names acme/telemetry",
    );
    const unregistered = await refused(["--repo", "globex/telemetry", "--registry", file, "--dry-run"]);
    expect(unregistered.stderr).toContain(
      "error: globex/telemetry is not the telemetry repository of a registered org: globex is not in the registry",
    );
    const stats = await server.stats();
    expect([stats.git.upload_pack, stats.git.receive_pack]).toEqual([0, 0]);
  });

  it("with a registry that names it, builds a telemetry repository that has no records yet", async () => {
    const cap = captureIO({ env: env(), cwd: dir });
    const file = await registry("acme/fresh-telemetry");
    expect(
      await main(
        [
          "dashboard",
          "build",
          "--repo",
          "acme/fresh-telemetry",
          "--registry",
          file,
          "--expect",
          "acme/widgets",
          "--dry-run",
        ],
        cap.io,
      ),
    ).toBe(0);
    expect(cap.stdout()).toContain("dashboards for acme (acme/fresh-telemetry at ");
    // Without the registry's word, the same repository is refused.
    expect((await refused(["--repo", "acme/fresh-telemetry", "--dry-run"])).code).toBe(2);
  });
});

describe("task-assistant dashboard serve", () => {
  it("serves the page on 127.0.0.1 until interrupted, and publishes nothing", async () => {
    const head = async () =>
      (await server.client().rest.repos.getBranch({ owner: "acme", repo: "telemetry", branch: "main" })).data
        .commit.sha;
    const before = await head();
    const controller = new AbortController();
    const interrupt = () => controller.abort();
    const out: string[] = [];
    const io: CliIO = {
      ...captureIO({ env: env(), cwd: dir, signal: controller.signal }).io,
      stdout: (text) => void out.push(text),
    };
    const serving = main(["dashboard", "serve", "--repo", "acme/telemetry"], io);
    let url: string | undefined;
    for (let i = 0; i < 200 && url === undefined; i += 1) {
      url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out.join(""))?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("acme/widgets");
    const index = await (await fetch(`${url!}index.json`)).json();
    expect(index).toMatchObject({ kind: "org", owner: "acme" });
    expect((await fetch(`${url!}../../etc/passwd`)).status).toBe(404);
    interrupt();
    expect(await serving).toBe(0);
    expect(await head()).toBe(before);
  });

  it("as a process, answers malformed requests with 4xx and keeps serving", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/bin.ts", "dashboard", "serve", "--repo", "acme/telemetry"],
      { cwd: root, env: { ...env(), HOME: dir }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("close", () => reject(new Error(`serve exited before serving: ${out}`)));
    });
    const report = await sendMalformedRequests(url, {
      healthPath: "/index.html",
      paths: ["/index.html", "/"],
    });
    expect(survivalProblems(report)).toEqual([]);
    const outcome = (name: string) => report.results.find((result) => result.name === name)?.outcome;
    expect([outcome("GET /%"), outcome("GET /%E0%A4%A (truncated UTF-8 escape)"), outcome("GET //")]).toEqual(
      [400, 400, 404],
    );
    child.kill("SIGINT");
    expect(await exited).toBe(130);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("as a process, stops serving on %s, exits %i and removes its files", async (signal, status) => {
    const root = join(import.meta.dirname, "..", "..");
    const temp = await mkdtemp(join(dir, "tmp-"));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli/bin.ts", "dashboard", "serve", "--repo", "acme/telemetry"],
      {
        cwd: root,
        env: { ...env(), HOME: dir, TMPDIR: temp },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("close", () => reject(new Error(`serve exited before serving: ${out}`)));
    });
    expect((await fetch(url)).status).toBe(200);
    // tsx keeps its compile cache there too; only the command's own directories count.
    const owned = async () => (await readdir(temp)).filter((name) => name.startsWith("task-assistant-"));
    expect(await owned()).not.toEqual([]);
    child.kill(signal);
    expect(await exited).toBe(status);
    await expect(fetch(url)).rejects.toThrow();
    expect(await owned()).toEqual([]);
  });
});
