/**
 * Telemetry log benchmark (`npm run bench:verify`). Builds a telemetry repository of 200,000 raw
 * records with `git fast-import` in a temporary directory (200 commits of 1,000 records, as many
 * emit runs would leave), then in one run:
 *
 *   1. a full checkpoint over the 200,000 records (the checkpointer's first run);
 *   2. an incremental checkpoint after 1,000 more records (target: ≤ 2% of the full one);
 *   3. `verify` of the 201,000 records (every leaf recomputed, every checkpoint checked) against
 *      bare `node:crypto` SHA-256 over the same record bytes, in memory (target: verify ≥ 50% of
 *      that speed, in bytes per second);
 *
 * printing wall time and peak resident memory of each phase. `--records N` changes the size.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitEnv, runGit } from "../src/dashboard/run-git.js";
import { readBlobs, listTree } from "../src/telemetry-log/git-blobs.js";
import { gitItems } from "../src/dashboard/run-git.js";
import { updateLog } from "../src/telemetry-log/update-log.js";
import { verifyLog } from "../src/telemetry-log/verify-log.js";
import { generateNoteKeys, parseSignerKey, parseVerifierKey } from "../src/tlog/signed-note.js";

const argIndex = process.argv.indexOf("--records");
const RECORDS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 200_000;
const PER_COMMIT = 1_000;
const MORE = 1_000;
const ORIGIN = "task-assistant.telemetry/acme/telemetry";
const keys = generateNoteKeys("bench.example/log");
const signer = parseSignerKey(keys.signerKey);
const verifier = parseVerifierKey(keys.verifierKey);

/** Records are dated by the run that wrote them: one day per commit of 1,000. */
function dayOf(i: number): string {
  return new Date(Date.UTC(2026, 0, 1) + Math.floor(i / PER_COMMIT) * 86_400_000).toISOString().slice(0, 10);
}

function recordText(i: number): string {
  const day = dayOf(i);
  return `${JSON.stringify(
    {
      schema_version: "1.0",
      generated_at: `${day}T10:00:00.000Z`,
      correlation_id: `${i}-1`,
      engine_name: "validate",
      engine_ref: "v1.4.0",
      entity: { kind: "repository", owner: "acme", repo: `repo-${i % 50}` },
      event: { category: "validate", action: "completed", reason: null },
      ok: true,
      details: {
        tool: "task-assistant-validate",
        version: "1.4.0",
        summary: `bench record ${i}`,
        checks: [{ id: "schema", outcome: "PASS" }],
      },
    },
    null,
    2,
  )}\n`;
}

function recordPathOf(i: number): string {
  const text = recordText(i);
  const day = /"generated_at": "(\d{4}-\d{2}-\d{2})/.exec(text)![1];
  return `telemetry/v1/repos/acme-repo-${i % 50}/${day}/${i}-1/validate.json`;
}

/** Streams a fast-import script adding records [from, to) in commits of PER_COMMIT on top of `parent`. */
async function importRecords(
  dir: string,
  env: NodeJS.ProcessEnv,
  from: number,
  to: number,
  files: Array<{ path: string; content: string }> = [],
): Promise<void> {
  const child = spawn("git", ["fast-import", "--quiet", "--force"], {
    cwd: dir,
    env,
    stdio: ["pipe", "inherit", "inherit"],
  });
  const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const write = async (text: string) => {
    if (!child.stdin.write(text)) await new Promise((resolve) => child.stdin.once("drain", resolve));
  };
  // A stream continues its branch by itself; only its first commit says where it starts.
  let needsParent = from > 0;
  let time = 1_790_000_000 + from;
  for (let start = from; start < to || files.length > 0; start += PER_COMMIT) {
    const end = Math.min(to, start + PER_COMMIT);
    const message = `records ${start}..${end}`;
    await write(
      `commit refs/heads/main\ncommitter bench <bench@example.invalid> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`,
    );
    time += 60;
    if (needsParent) await write("from refs/heads/main^0\n");
    needsParent = false;
    const parts: string[] = [];
    for (let i = start; i < end; i += 1) {
      const content = recordText(i);
      parts.push(`M 100644 inline ${recordPathOf(i)}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    }
    for (const file of files.splice(0)) {
      parts.push(`M 100644 inline ${file.path}\ndata ${Buffer.byteLength(file.content)}\n${file.content}\n`);
    }
    await write(parts.join(""));
    if (end >= to && files.length === 0) break;
  }
  child.stdin.end();
  if ((await done) !== 0) throw new Error("git fast-import failed");
}

/** Runs `fn`, sampling resident memory, and returns its result, seconds and the peak RSS in MB. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = process.hrtime.bigint();
  try {
    const value = await fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function head(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  return (await runGit(["rev-parse", "refs/heads/main"], { cwd: dir, env })).stdout.trim();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-verify-"));
  const env = gitEnv(process.env);
  try {
    await runGit(["init", "--quiet", "--initial-branch=main", "."], { cwd: dir, env });
    const built = await measure(() => importRecords(dir, env, 0, RECORDS));
    console.log(
      `built ${RECORDS} records in ${RECORDS / PER_COMMIT} commits with git fast-import: ${built.seconds.toFixed(1)} s`,
    );

    // Each checkpoint is signed on the day of the newest record it covers, as an hourly run would be.
    const checkpointAt = async (commit: string, records: number) =>
      updateLog({
        cwd: dir,
        env,
        head: commit,
        signer,
        origin: ORIGIN,
        now: new Date(`${dayOf(records - 1)}T23:00:00Z`),
      });
    const full = await measure(async () => checkpointAt(await head(dir, env), RECORDS));
    console.log(
      `1. full checkpoint, ${full.value.size} records: ${full.seconds.toFixed(2)} s, peak RSS ${full.peakMb.toFixed(0)} MB`,
    );

    // Commit the checkpoint files, then 1,000 more records on top.
    await importRecords(dir, env, RECORDS, RECORDS, [...full.value.files]);
    await importRecords(dir, env, RECORDS, RECORDS + MORE);
    const incremental = await measure(async () => checkpointAt(await head(dir, env), RECORDS + MORE));
    const ratio = (incremental.seconds / full.seconds) * 100;
    console.log(
      `2. incremental checkpoint, +${incremental.value.size - incremental.value.previousSize} on ${incremental.value.previousSize}: ${incremental.seconds.toFixed(3)} s, peak RSS ${incremental.peakMb.toFixed(0)} MB = ${ratio.toFixed(2)}% of the full one (target ≤ 2%) ${ratio <= 2 ? "MET" : "NOT MET"}`,
    );
    await importRecords(dir, env, RECORDS + MORE, RECORDS + MORE, [...incremental.value.files]);

    const total = RECORDS + MORE;
    const verified = await measure(() =>
      verifyLog({ cwd: dir, env, ref: "refs/heads/main", verifier, origin: ORIGIN }),
    );
    if (!verified.value.ok)
      throw new Error(`verify found problems: ${JSON.stringify(verified.value.findings.slice(0, 3))}`);
    // The same record bytes, read once into memory, hashed with bare SHA-256.
    const records = await listTree("refs/heads/main", "telemetry/v1/repos/", { cwd: dir, env }, gitItems);
    const bytes: Buffer[] = [];
    for await (const blob of readBlobs(records.values(), { cwd: dir, env })) bytes.push(blob);
    const size = bytes.reduce((sum, b) => sum + b.length, 0);
    const bare = await measure(() => {
      for (const b of bytes) createHash("sha256").update(b).digest();
      return Promise.resolve();
    });
    const verifyRate = size / verified.seconds;
    const bareRate = size / bare.seconds;
    console.log(
      `3. verify, ${verified.value.recordsVerified} records (${(size / 2 ** 20).toFixed(0)} MB) under ${verified.value.checkpoints} checkpoints: ${verified.seconds.toFixed(2)} s, ${(verifyRate / 2 ** 20).toFixed(1)} MB/s, peak RSS ${verified.peakMb.toFixed(0)} MB`,
    );
    console.log(
      `   bare node:crypto SHA-256 over the same bytes: ${bare.seconds.toFixed(3)} s, ${(bareRate / 2 ** 20).toFixed(1)} MB/s; verify = ${((verifyRate / bareRate) * 100).toFixed(1)}% of it (target ≥ 50%) ${verifyRate / bareRate >= 0.5 ? "MET" : "NOT MET"}`,
    );
    if (total !== verified.value.recordsVerified)
      throw new Error(`verified ${verified.value.recordsVerified}, expected ${total}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
