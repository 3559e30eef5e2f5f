import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { exitCodeOf } from "../../src/errors.js";
import { captureIO } from "../../src/cli/test-io.js";
import { gitEnv } from "../../src/dashboard/run-git.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { serializeRecord } from "../../src/telemetry/envelope.js";
import { checkpointTelemetry } from "../../src/telemetry-log/checkpoint-telemetry.js";
import { CHECKPOINT_FILE, defaultOrigin } from "../../src/telemetry-log/log-files.js";
import { verifyLog, type VerifyReport } from "../../src/telemetry-log/verify-log.js";
import { formatCheckpoint, parseCheckpoint } from "../../src/tlog/checkpoint.js";
import {
  generateNoteKeys,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/tlog/signed-note.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { aRecord } from "../dashboard/a-record.js";

const run = promisify(execFile);
const KEYS = generateNoteKeys("operator.example/telemetry-log");
const SIGNER = parseSignerKey(KEYS.signerKey);
const VERIFIER = parseVerifierKey(KEYS.verifierKey);
const IDENTITY = { name: "task-assistant[bot]", email: "bot@example.invalid" };
/** Every case repository holds a copy of one log, so they share its origin. */
const ORIGIN = "task-assistant.telemetry/acme/case";
const CASES = [
  "base",
  "clean",
  "edit",
  "delete",
  "insert",
  "rewrite",
  "resign",
  "badsig",
  "origin",
  "truncate",
  "cut",
  "cli",
];

let server: TestGitHub;
let scratch: string;

const LOGGED = new Map<string, { paths: string[]; first: string; second: string }>();

beforeAll(async () => {
  server = await startTestGitHub({
    orgs: [{ login: "acme" }],
    repos: CASES.map((name) => ({ name: `acme/${name}`, files: { "README.md": "telemetry\n" } })),
  });
  scratch = await mkdtemp(join(tmpdir(), "tamper-evidence-"));
  // Every case starts from a copy of one log with two checkpoints: 3 records, then 2 more.
  const base = await twoCheckpoints("base");
  const dir = await clone("base");
  await Promise.all(
    CASES.filter((name) => name !== "cli" && name !== "base").map(async (repo) => {
      await run("git", ["push", "--quiet", "--force", remote(repo), "HEAD:main"], { cwd: dir, env: env() });
      LOGGED.set(repo, base);
    }),
  );
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const remote = (repo: string) => `${server.gitUrl}/acme/${repo}.git`;
const env = () => gitEnv(process.env, { token: server.adminToken });

/** Writes one record per day (2026-11-01, 02, …), one commit each as emit-engine makes them, in one push. */
async function pushDays(repo: string, from: number, count: number): Promise<string[]> {
  const dir = await clone(repo);
  const paths: string[] = [];
  for (let day = from; day < from + count; day += 1) {
    const { record, path } = aRecord({
      at: `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`,
      cid: `${day}-1`,
    });
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), serializeRecord(record));
    await run("git", ["add", path], { cwd: dir });
    await run(
      "git",
      ["-c", "user.name=bot", "-c", "user.email=b@example.invalid", "commit", "--quiet", "-m", path],
      { cwd: dir },
    );
    paths.push(path);
  }
  await run("git", ["push", "--quiet", "origin", "HEAD:main"], { cwd: dir, env: env() });
  return paths;
}

/** Emits one record per day through the contents API, as emit-engine does. */
async function emitDays(repo: string, from: number, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (let day = from; day < from + count; day += 1) {
    const { record, path } = aRecord({
      at: `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`,
      cid: `${day}-1`,
    });
    await emitRecord(server.client(), { telemetry_repo: `acme/${repo}`, record });
    paths.push(path);
  }
  return paths;
}

function checkpoint(
  repo: string,
  at: string,
  origin = repo === "cli" ? defaultOrigin("acme", repo) : ORIGIN,
) {
  return checkpointTelemetry({
    remoteUrl: remote(repo),
    token: server.adminToken,
    signer: SIGNER,
    origin,
    now: () => new Date(at),
    identity: IDENTITY,
    env: process.env,
  });
}

async function clone(repo: string): Promise<string> {
  const dir = await mkdtemp(join(scratch, `${repo}-`));
  await run("git", ["clone", "--quiet", remote(repo), dir], { env: env() });
  return dir;
}

/** Changes a clone by hand, as someone with write access would, and pushes it (force when asked). */
async function tamper(repo: string, change: (dir: string) => Promise<void>, force = false): Promise<string> {
  const dir = await clone(repo);
  await change(dir);
  const git = (args: string[]) =>
    run("git", ["-c", "user.name=Mallory", "-c", "user.email=m@example.invalid", ...args], {
      cwd: dir,
      env: env(),
    });
  await git(["add", "--all"]);
  await git(["commit", "--quiet", "-m", "tamper"]);
  await git(["push", "--quiet", ...(force ? ["--force"] : []), "origin", "HEAD:main"]);
  return (await git(["rev-parse", "HEAD"])).stdout.trim();
}

async function verify(repo: string, trusted?: string): Promise<VerifyReport> {
  const dir = await clone(repo);
  return verifyLog({
    cwd: dir,
    env: env(),
    verifier: VERIFIER,
    origin: ORIGIN,
    ...(trusted ? { trusted: parseCheckpoint(openNote(trusted, VERIFIER).text) } : {}),
  });
}

const summary = (report: VerifyReport) =>
  report.findings.map((f) => ({ kind: f.kind, path: f.path, commit: f.commit }));

/** A repository with two checkpoints: 3 records, then 2 more. */
async function twoCheckpoints(repo: string): Promise<{ paths: string[]; first: string; second: string }> {
  const paths = await pushDays(repo, 1, 3);
  const first = (await checkpoint(repo, "2026-11-03T12:00:00Z")).checkpoint!;
  paths.push(...(await pushDays(repo, 4, 2)));
  const second = (await checkpoint(repo, "2026-11-05T12:00:00Z")).checkpoint!;
  return { paths, first, second };
}

describe("a clean log", () => {
  it("verifies, with every checkpoint consistent with the one before and new records pending", async () => {
    const { first } = LOGGED.get("clean")!;
    const [late] = await emitDays("clean", 6, 1);
    const report = await verify("clean", first);
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      size: 5,
      checkpoints: 2,
      recordsVerified: 5,
      trusted: { size: 3, extended: true },
    });
    expect(report.pending.map((p) => p.path)).toEqual([late]);
  });

  it("checkpoints only what is new: a run without new records publishes nothing", async () => {
    const again = await checkpoint("clean", "2026-11-06T12:00:00Z");
    expect(again).toMatchObject({ previousSize: 5, size: 6, recordsRead: 1 });
    const idle = await checkpoint("clean", "2026-11-06T13:00:00Z");
    expect(idle).toMatchObject({ previousSize: 6, size: 6, recordsRead: 0, files: [] });
    expect(idle.published).toBeUndefined();
  });
});

describe("tampering is detected and named", () => {
  it("a record edited after checkpointing", async () => {
    const { paths } = LOGGED.get("edit")!;
    const commit = await tamper("edit", async (dir) => {
      const file = join(dir, paths[1]);
      await writeFile(file, (await readFile(file, "utf8")).replace('"ok": true', '"ok": false'));
    });
    const report = await verify("edit");
    expect(summary(report)).toEqual([{ kind: "changed", path: paths[1], commit }]);
    // The checkpointer sees it too, refuses to log it, and still checkpoints honest new records.
    await emitDays("edit", 6, 1);
    const next = await checkpoint("edit", "2026-11-06T12:00:00Z");
    expect(next.findings).toEqual([{ kind: "changed", path: paths[1], commit }]);
    expect(next.size).toBe(6);
  });

  it("a record deleted", async () => {
    const { paths } = LOGGED.get("delete")!;
    const commit = await tamper("delete", (dir) => rm(join(dir, paths[0])));
    expect(summary(await verify("delete"))).toEqual([{ kind: "deleted", path: paths[0], commit }]);
  });

  it("a record inserted into an old directory, also after the checkpointer ran again", async () => {
    const forged = aRecord({ at: "2026-11-01T11:00:00.000Z", cid: "1-2", engine: "enforce" });
    const commit = await tamper("insert", async (dir) => {
      await mkdir(dirname(join(dir, forged.path)), { recursive: true });
      await writeFile(join(dir, forged.path), `${JSON.stringify(forged.record, null, 2)}\n`);
    });
    expect(summary(await verify("insert"))).toEqual([{ kind: "inserted", path: forged.path, commit }]);
    const next = await checkpoint("insert", "2026-11-06T12:00:00Z");
    expect(next.findings).toEqual([{ kind: "inserted", path: forged.path, commit }]);
    expect(summary(await verify("insert"))).toEqual([{ kind: "inserted", path: forged.path, commit }]);
  });

  it("history rewritten and force-pushed", async () => {
    const { paths } = LOGGED.get("rewrite")!;
    // One commit holding today's tree with an old record changed: every commit id changes.
    const commit = await tamper(
      "rewrite",
      async (dir) => {
        await run("git", ["checkout", "--quiet", "--orphan", "rewritten"], { cwd: dir });
        const file = join(dir, paths[0]);
        await writeFile(file, (await readFile(file, "utf8")).replace("v1.4.0", "v1.3.9"));
      },
      true,
    );
    const report = await verify("rewrite");
    expect(summary(report)).toContainEqual({ kind: "changed", path: paths[0], commit });
    expect(report.findings.filter((f) => f.kind === "rewritten").map((f) => f.path)).toEqual([
      CHECKPOINT_FILE,
    ]);
  });

  it("history rewritten and re-signed from scratch: caught by the auditor's trusted checkpoint", async () => {
    const { paths, second } = LOGGED.get("resign")!;
    await tamper(
      "resign",
      async (dir) => {
        await run("git", ["checkout", "--quiet", "--orphan", "rewritten"], { cwd: dir });
        await rm(join(dir, "telemetry/v1/checkpoints"), { recursive: true });
        const file = join(dir, paths[0]);
        await writeFile(file, (await readFile(file, "utf8")).replace("v1.4.0", "v1.3.9"));
      },
      true,
    );
    await checkpoint("resign", "2026-11-06T12:00:00Z");
    // Without it, a log re-signed by the key holder is self-consistent: verify cannot tell.
    expect((await verify("resign")).ok).toBe(true);
    const report = await verify("resign", second);
    expect(report.trusted).toEqual({ size: 5, extended: false });
    expect(report.findings).toMatchObject([{ kind: "not-extending-trusted", path: CHECKPOINT_FILE }]);
  });

  it("a checkpoint with a bad signature", async () => {
    const commit = await tamper("badsig", async (dir) => {
      const file = join(dir, CHECKPOINT_FILE);
      const note = await readFile(file, "utf8");
      const { text } = openNote(note, VERIFIER);
      const [origin, size, root, ...rest] = text.split("\n");
      const forged = [origin, size, Buffer.alloc(32, 7).toString("base64"), ...rest].join("\n");
      await writeFile(file, `${forged}${note.slice(text.length)}`);
      void root;
    });
    expect(summary(await verify("badsig"))).toContainEqual({
      kind: "bad-signature",
      path: CHECKPOINT_FILE,
      commit,
    });
  });

  it("a checkpoint from a different origin", async () => {
    const commit = await tamper("origin", async (dir) => {
      const file = join(dir, CHECKPOINT_FILE);
      const checkpoint = parseCheckpoint(openNote(await readFile(file, "utf8"), VERIFIER).text);
      await writeFile(
        file,
        signNote(formatCheckpoint({ ...checkpoint, origin: "task-assistant.telemetry/acme/other" }), SIGNER),
      );
    });
    expect(summary(await verify("origin"))).toEqual([
      { kind: "wrong-origin", path: CHECKPOINT_FILE, commit },
    ]);
  });

  it("a truncated log: checkpoint files rolled back and the newest records removed", async () => {
    const { paths } = LOGGED.get("truncate")!;
    const dir = await clone("truncate");
    const { stdout } = await run("git", ["log", "--format=%H", "--", CHECKPOINT_FILE], { cwd: dir });
    const firstCheckpointCommit = stdout.trim().split("\n").at(-1)!;
    const commit = await tamper("truncate", async (work) => {
      await run("git", ["rm", "--quiet", "-r", "telemetry/v1/checkpoints"], { cwd: work });
      await run("git", ["checkout", firstCheckpointCommit, "--", "telemetry/v1/checkpoints"], { cwd: work });
      for (const path of paths.slice(3)) await rm(join(work, path));
    });
    const report = await verify("truncate");
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: "truncated", path: CHECKPOINT_FILE, commit }),
    );
    for (const path of paths.slice(3)) {
      expect(report.findings).toContainEqual(expect.objectContaining({ kind: "deleted", path, commit }));
    }
  });

  it("a truncated log force-pushed back to an earlier commit: caught by the trusted checkpoint", async () => {
    const { second } = LOGGED.get("cut")!;
    const dir = await clone("cut");
    const { stdout } = await run("git", ["log", "--format=%H", "--", CHECKPOINT_FILE], { cwd: dir });
    const firstCheckpointCommit = stdout.trim().split("\n").at(-1)!;
    await run("git", ["push", "--quiet", "--force", "origin", `${firstCheckpointCommit}:main`], {
      cwd: dir,
      env: env(),
    });
    const report = await verify("cut", second);
    expect(report.findings).toMatchObject([{ kind: "truncated", path: CHECKPOINT_FILE }]);
    expect(report.findings[0].message).toMatch(/3 records, fewer than the 5 of the trusted checkpoint/);
  });
});

describe("the commands", () => {
  const cliEnv = (extra: Record<string, string> = {}) => ({
    ...process.env,
    GITHUB_API_URL: server.url,
    GITHUB_TOKEN: server.adminToken,
    ...extra,
  });

  /** The exit code bin.js would give: main's own, or the thrown error's. */
  const exit = (args: string[], io: ReturnType<typeof captureIO>["io"]) => main(args, io).catch(exitCodeOf);

  it("keygen, checkpoint and verify end to end, with exit codes 0, 1 and 2", async () => {
    const work = await mkdtemp(join(scratch, "cli-"));
    const keygen = captureIO({ env: cliEnv(), cwd: work });
    expect(
      await exit(["telemetry", "keygen", "--name", "ops.example/log", "--out", "key.txt"], keygen.io),
    ).toBe(0);
    const publicKey = keygen.stdout().trim();
    expect(await readFile(join(work, "key.txt"), "utf8")).toMatch(
      /^PRIVATE\+KEY\+ops\.example\/log\+[0-9a-f]{8}\+/,
    );
    expect(keygen.stdout()).not.toContain("PRIVATE");
    const again = captureIO({ env: cliEnv(), cwd: work });
    expect(await exit(["telemetry", "keygen", "--name", "x", "--out", "key.txt"], again.io)).toBe(2);

    const paths = await emitDays("cli", 1, 2);
    const cp = captureIO({ env: cliEnv(), cwd: work });
    expect(
      await exit(["telemetry", "checkpoint", "--repo", "acme/cli", "--key-file", "key.txt", "--json"], cp.io),
    ).toBe(0);
    expect(JSON.parse(cp.stdout())).toMatchObject({ previous_size: 0, size: 2, appended: 2 });

    const ok = captureIO({ env: cliEnv(), cwd: work });
    expect(
      await exit(["telemetry", "verify", "--repo", "acme/cli", "--key", publicKey, "--json"], ok.io),
    ).toBe(0);
    expect(JSON.parse(ok.stdout())).toMatchObject({ ok: true, size: 2 });

    const commit = await tamper("cli", (dir) => rm(join(dir, paths[1])));
    const bad = captureIO({ env: cliEnv(), cwd: work });
    expect(await exit(["telemetry", "verify", "--repo", "acme/cli", "--key", publicKey], bad.io)).toBe(1);
    expect(bad.stdout()).toContain(`TAMPERED deleted: ${paths[1]} (commit ${commit})`);

    const wrongKey = captureIO({ env: cliEnv(), cwd: work });
    expect(
      await exit(["telemetry", "verify", "--repo", "acme/cli", "--key", "nope+0000000+AAAA"], wrongKey.io),
    ).toBe(2);
    const otherKey = captureIO({ env: cliEnv(), cwd: work });
    expect(
      await exit(["telemetry", "verify", "--repo", "acme/cli", "--key", KEYS.verifierKey], otherKey.io),
    ).toBe(1);
    expect(otherKey.stdout()).toContain("TAMPERED bad-signature");
  });

  it("prints help for each new command", async () => {
    for (const command of ["keygen", "checkpoint", "verify"]) {
      const cap = captureIO({ env: cliEnv() });
      expect(await exit(["telemetry", command, "--help"], cap.io)).toBe(0);
      expect(cap.stdout()).toContain(`Usage: task-assistant telemetry ${command}`);
    }
  });
});
