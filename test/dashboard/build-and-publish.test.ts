import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAndPublish } from "../../src/dashboard/build-and-publish.js";
import { publishDashboards } from "../../src/dashboard/publish-dashboards.js";
import { syncCheckout } from "../../src/dashboard/telemetry-checkout.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { serializeRecord } from "../../src/telemetry/envelope.js";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { aRecord, type RecordSpec } from "./a-record.js";

const TELEMETRY = "acme/telemetry";
// Asynchronous on purpose: the local GitHub answers git from this same process.
const run = promisify(execFile);
const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.invalid"];

let server: TestGitHub;
let scratch: string;

beforeAll(async () => {
  server = await startTestGitHub({
    orgs: [{ login: "acme" }],
    repos: [{ name: TELEMETRY, files: { "README.md": "acme telemetry\n" } }],
  });
  scratch = await mkdtemp(join(tmpdir(), "dashboard-build-test-"));
});

afterAll(async () => {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function emit(...specs: RecordSpec[]): Promise<void> {
  for (const spec of specs) {
    await emitRecord(server.client(), { telemetry_repo: TELEMETRY, record: aRecord(spec).record });
  }
}

async function branchHead(): Promise<string> {
  const { data } = await server
    .client()
    .rest.repos.getBranch({ owner: "acme", repo: "telemetry", branch: "main" });
  return data.commit.sha;
}

function authEnv(): NodeJS.ProcessEnv {
  const auth = Buffer.from(`x-access-token:${server.adminToken}`).toString("base64");
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${auth}`,
  };
}

/** Paths that differ between two commits of the telemetry repository, read from a fresh clone. */
async function changedPaths(from: string, to: string): Promise<string[]> {
  const dir = await mkdtemp(join(scratch, "inspect-"));
  await run("git", ["clone", "--quiet", `${server.gitUrl}/${TELEMETRY}.git`, dir], { env: authEnv() });
  const { stdout } = await run("git", ["diff", "--name-only", from, to], { cwd: dir, encoding: "utf8" });
  return stdout.trim().split("\n");
}

async function fileAt(path: string, ref = "main"): Promise<string> {
  const { data } = await server
    .client()
    .rest.repos.getContent({ owner: "acme", repo: "telemetry", path, ref });
  if (Array.isArray(data) || data.type !== "file") throw new Error(`${path} is not a file`);
  return Buffer.from(data.content, "base64").toString("utf8");
}

function build(at: string, extra: Partial<Parameters<typeof buildAndPublish>[0]> = {}) {
  return buildAndPublish({
    telemetryRepo: TELEMETRY,
    gitUrl: server.gitUrl,
    token: server.adminToken,
    clock: fixedClock(at),
    expectedRepos: ["acme/quiet"],
    ...extra,
  });
}

/** A dashboard without the fields that legitimately differ between two builds of the same records. */
function comparable(text: string): unknown {
  const {
    generated_at: _at,
    telemetry_commit: _commit,
    ...rest
  } = JSON.parse(text) as Record<string, unknown>;
  return rest;
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await run("git", [...IDENTITY, ...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
}

describe("building and publishing an org's dashboards", () => {
  it("publishes every dashboard, the index and the page in one commit that leaves raw records untouched", async () => {
    await emit(
      { engine: "preflight", cid: "100-1", at: "2026-11-20T08:00:00.000Z" },
      {
        engine: "enforce",
        cid: "100-1",
        at: "2026-11-20T08:00:01.000Z",
        ok: false,
        reason: "issue #3 is locked",
      },
      { engine: "preflight", cid: "101-1", at: "2026-11-21T08:00:00.000Z", repo: "acme/gadgets" },
      {
        engine: "enforce",
        cid: "101-1",
        at: "2026-11-21T08:00:01.000Z",
        repo: "acme/gadgets",
        actions: [{ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }],
      },
    );
    const before = await branchHead();

    const report = await build("2026-11-22T00:00:00.000Z");

    expect(report.build.mode).toBe("full");
    expect(report.build.fallback).toBeUndefined();
    expect(report.build.filesRead).toBe(4);
    expect(report.published?.parent).toBe(before);
    expect(report.published?.changed).toEqual([
      "telemetry/v1/dashboards/acme-gadgets/dashboard.json",
      "telemetry/v1/dashboards/acme-quiet/dashboard.json",
      "telemetry/v1/dashboards/acme-widgets/dashboard.json",
      "telemetry/v1/dashboards/index.html",
      "telemetry/v1/dashboards/index.json",
      "telemetry/v1/dashboards/state.json",
    ]);
    const after = await branchHead();
    expect(after).toBe(report.published?.commit);
    const { data: commit } = await server
      .client()
      .rest.git.getCommit({ owner: "acme", repo: "telemetry", commit_sha: after });
    expect(commit.parents.map((parent) => parent.sha)).toEqual([before]);
    expect(await changedPaths(before, after)).toEqual(report.published?.changed);

    const widgets = JSON.parse(await fileAt("telemetry/v1/dashboards/acme-widgets/dashboard.json"));
    expect(widgets).toMatchObject({
      repository: "acme/widgets",
      // Its only enforce run failed: the records are valid, the runs are not succeeding.
      status: "failing",
      health: { runs: "failing", failing_engines: ["enforce"], records: "valid" },
      // Links go to the web host of the git URL the build cloned from.
      web_url: server.gitUrl.replace(/\/+$/, ""),
      telemetry_commit: before,
      generated_at: "2026-11-22T00:00:00.000Z",
      metrics: { runs: 1, records: 2, failure: 1 },
    });
    expect(widgets.recent_failures[0]).toMatchObject({
      correlation_id: "100-1",
      reason: "issue #3 is locked",
      path: "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/enforce.json",
    });
    const index = JSON.parse(await fileAt("telemetry/v1/dashboards/index.json"));
    expect(
      index.repos.map((row: { repository: string; status: string }) => [row.repository, row.status]),
    ).toEqual([
      ["acme/gadgets", "healthy"],
      ["acme/quiet", "no-telemetry"],
      ["acme/widgets", "failing"],
    ]);
    expect(await fileAt("telemetry/v1/dashboards/index.html")).toContain("acme/gadgets");
  });

  it("reads only the records added since the last build, and ends where a full build ends", async () => {
    await emit(
      { engine: "preflight", cid: "102-1", at: "2026-11-22T09:00:00.000Z" },
      { engine: "validate", cid: "102-1", at: "2026-11-22T09:00:01.000Z" },
    );

    const incremental = await build("2026-11-22T10:00:00.000Z");
    expect(incremental.build.mode).toBe("incremental");
    expect(incremental.build.filesRead).toBe(2);
    expect(incremental.published?.changed.length).toBeGreaterThan(0);

    const out = join(scratch, "full");
    const full = await build("2026-11-22T10:00:00.000Z", { outDir: out });
    expect(full.build.mode).toBe("full");
    expect(full.build.filesRead).toBe(6);
    for (const path of ["acme-widgets/dashboard.json", "acme-gadgets/dashboard.json", "index.json"]) {
      expect(comparable(await fileAt(`telemetry/v1/dashboards/${path}`))).toEqual(
        comparable(await readFile(join(out, path), "utf8")),
      );
    }
  });

  it("publishes nothing when no record was added since the last build", async () => {
    const before = await branchHead();
    const report = await build("2026-11-22T11:00:00.000Z");
    expect(report.build.mode).toBe("incremental");
    expect(report.build.filesRead).toBe(0);
    expect(report.skipped).toBe("unchanged");
    expect(await branchHead()).toBe(before);
  });

  it("fetches only the blobs of the records it reads, into a working copy that holds only the dashboards", async () => {
    await emit({ engine: "preflight", cid: "103-1", at: "2026-11-22T11:30:00.000Z" });
    const added = "telemetry/v1/repos/acme-widgets/2026-11-22/103-1/preflight.json";
    const dir = join(scratch, "partial");
    const report = await build("2026-11-22T11:40:00.000Z", { checkoutDir: dir });
    expect(report.build.mode).toBe("incremental");
    expect(report.build.filesRead).toBe(1);
    expect(report.published?.changed.length).toBeGreaterThan(0);

    expect(existsSync(join(dir, "telemetry/v1/repos"))).toBe(false);
    expect(existsSync(join(dir, "telemetry/v1/dashboards/state.json"))).toBe(true);
    const listing = await run("git", ["ls-tree", "-r", "HEAD", "--", "telemetry/v1/repos/"], {
      cwd: dir,
      encoding: "utf8",
    });
    const blobs = new Map(
      listing.stdout
        .trim()
        .split("\n")
        .map((line) => [line.split("\t")[1], line.split("\t")[0].split(" ")[2]] as const),
    );
    expect(blobs.size).toBeGreaterThan(5);
    // `--missing=print` lists what the partial clone never fetched, without fetching it.
    const objects = await run("git", ["rev-list", "--objects", "--missing=print", "HEAD"], {
      cwd: dir,
      encoding: "utf8",
    });
    const missing = new Set(
      objects.stdout
        .split("\n")
        .filter((line) => line.startsWith("?"))
        .map((line) => line.slice(1)),
    );
    for (const [path, oid] of blobs) expect(missing.has(oid), path).toBe(path !== added);
  });

  it("rebuilds from scratch, saying why, when the stored state was written by the previous version", async () => {
    // The stored state names today's head, so only its version stands between it and an
    // incremental build that would read no file and miss what version 1 never kept.
    await emit({
      engine: "preflight",
      cid: "150-1",
      at: "2026-11-22T12:30:00.000Z",
      extra: {
        registry: {
          outcome: "ELIGIBLE",
          registry_sha: "f00d",
          source: "file",
          context: "sandbox",
          state: "enabled",
        },
      },
    });
    const out = join(scratch, "previous-version");
    const current = await build("2026-11-22T12:40:00.000Z", { outDir: out });
    const stored = JSON.parse(await readFile(join(out, "state.json"), "utf8")) as {
      build_version: number;
      telemetry_commit: string;
      reducer: { state_version: number; repos: [string, Record<string, unknown>][] };
    };
    expect(stored.telemetry_commit).toBe(await branchHead());
    const previous = {
      ...stored,
      build_version: 1,
      reducer: {
        ...stored.reducer,
        state_version: 1,
        repos: stored.reducer.repos.map(([folder, repo]) => {
          const { registry: _r, changes_total: _t, recent_changes: _c, warnings: _w, ...older } = repo;
          return [folder, older];
        }),
      },
    };
    await writeFile(join(out, "state.json"), JSON.stringify(previous));

    const report = await build("2026-11-22T12:50:00.000Z", { outDir: out });
    expect(report.build.mode).toBe("full");
    expect(report.build.fallback).toBe("state.json was written by build version 1");
    expect(report.build.filesRead).toBe(current.build.filesRead);
    const widgets = report.build.set.repos.find((repo) => repo.repository === "acme/widgets")!;
    expect(widgets.registry).toMatchObject({ context: "sandbox", state: "enabled" });
    expect(JSON.parse(await readFile(join(out, "state.json"), "utf8"))).toMatchObject({ build_version: 2 });
  });

  it("keeps the token out of the working copy's configuration", async () => {
    const dir = join(scratch, "kept-checkout");
    await build("2026-11-22T12:00:00.000Z", { checkoutDir: dir, outDir: join(scratch, "kept-out") });
    const config = await readFile(join(dir, ".git", "config"), "utf8");
    expect(config).not.toContain(server.adminToken);
    expect(config).toContain(`url = ${server.gitUrl}/${TELEMETRY}.git`);
  });

  it("rebuilds from scratch, saying why, when the remembered commit was force-pushed away", async () => {
    // Rewrite history: one new root commit holding the records still wanted and the dashboards as
    // they were (so the stored state names a commit that is now gone), force-pushed.
    const work = join(scratch, "rewrite");
    await mkdir(join(work, "telemetry/v1/dashboards"), { recursive: true });
    await writeFile(
      join(work, "telemetry/v1/dashboards/state.json"),
      await fileAt("telemetry/v1/dashboards/state.json"),
    );
    await git(work, "init", "--quiet", "--initial-branch=main");
    const kept = aRecord({ engine: "preflight", cid: "200-1", at: "2026-11-23T08:00:00.000Z" });
    await mkdir(dirname(join(work, kept.path)), { recursive: true });
    await writeFile(join(work, kept.path), serializeRecord(kept.record));
    await git(work, "add", "--all");
    await git(work, "commit", "--quiet", "-m", "history rewritten");
    await run("git", ["push", "--quiet", "--force", `${server.gitUrl}/${TELEMETRY}.git`, "main:main"], {
      cwd: work,
      env: authEnv(),
      timeout: 30_000,
    });

    const report = await build("2026-11-23T09:00:00.000Z");
    expect(report.build.mode).toBe("full");
    expect(report.build.fallback).toMatch(
      /^the previous build's telemetry commit [0-9a-f]{12} is no longer in the history$/,
    );
    expect(report.build.filesRead).toBe(1);
    expect(report.build.set.index.totals.records).toBe(1);
    expect(report.published?.changed).toContain("telemetry/v1/dashboards/state.json");
  });

  it("publishes on the new head when records land between reading and pushing", async () => {
    const dir = join(scratch, "race");
    const remoteUrl = `${server.gitUrl}/${TELEMETRY}.git`;
    const checkout = await syncCheckout({ dir, remoteUrl, token: server.adminToken });
    // emit-engine writes a record after we read the branch: our first push is refused.
    await emit({ engine: "preflight", cid: "300-1", at: "2026-11-24T08:00:00.000Z" });
    const moved = await branchHead();
    const waits: number[] = [];

    const result = await publishDashboards({
      checkout,
      remoteUrl,
      token: server.adminToken,
      files: [{ path: "index.json", content: "{}\n" }],
      message: "dashboards: test",
      identity: { name: "Test", email: "test@example.invalid" },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });

    expect(result.attempts).toBe(2);
    expect(waits).toEqual([125]);
    expect(result.parent).toBe(moved);
    expect(await branchHead()).toBe(result.commit);
    expect(await fileAt("telemetry/v1/repos/acme-widgets/2026-11-24/300-1/preflight.json")).toContain(
      '"300-1"',
    );
    expect(await readdir(join(dir, "telemetry/v1/dashboards"))).toEqual(["index.json"]);
  });
});
