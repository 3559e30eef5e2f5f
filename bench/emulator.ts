/**
 * Local GitHub benchmark (`npm run bench:emulator`). Side by side in this one run:
 *
 *   1. latency of `GET /repos/o/r/issues?per_page=100` on a repository of 10,000 issues, against a
 *      bare `node:http` server answering the same pre-serialised bytes, requests alternating between
 *      the two over one keep-alive client (target: median ≤ 3× the bare server);
 *   2. resident memory of a local GitHub seeded with 100,000 issues, in a child process of its own
 *      (target ≤ 400 MB), with the same child's baseline before seeding printed beside it;
 *   3. the cost of a write (`POST /repos/o/r/issues`): median latency one at a time, and creates/s
 *      with 16 clients at once, on a state dir with fsync (the default for a given `stateDir`) beside
 *      the same without fsync, on an empty repository and on one of 10,000 issues.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { startLocalGitHub } from "../src/emulator/start-local-github.js";
import type { SeedDocument } from "../src/emulator/start-local-github.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LATENCY_ISSUES = 10_000;
const MEMORY_ISSUES = 100_000;
const ROUNDS = 400;
const WARMUP = 40;
const TOKEN = "ghp_bench_000001";
const PATH = "/repos/o/r/issues?per_page=100";

/** A repository of `count` issues with labels, a milestone on some, comments on a few. */
function seedWith(count: number): SeedDocument {
  const day = 86_400_000;
  const start = Date.parse("2025-01-01T00:00:00Z");
  return {
    users: [{ login: "bench" }],
    orgs: [{ login: "o", members: [{ login: "bench", role: "admin" }] }],
    repos: [
      {
        name: "o/r",
        labels: ["phase-1", "phase-2", "priority/high", "track/sprint"].map((name) => ({ name })),
        milestones: [{ title: "Phase 1" }, { title: "Phase 2" }],
        issues: Array.from({ length: count }, (_, index) => ({
          title: `Issue ${index + 1}: keep metadata consistent`,
          body: `Generated issue ${index + 1}.`,
          labels: index % 3 === 0 ? ["phase-1", "track/sprint"] : ["phase-2"],
          ...(index % 4 === 0 ? { milestone: index % 8 === 0 ? "Phase 1" : "Phase 2" } : {}),
          ...(index % 5 === 0 ? { state: "closed" as const } : {}),
          created_at: new Date(start + Math.floor(index / 50) * day + index * 1000).toISOString(),
          ...(index % 50 === 0 ? { comments: [{ body: "a comment" }] } : {}),
        })),
      },
    ],
    tokens: [{ token: TOKEN, user: "bench", rate_limit: 10_000_000 }],
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * p)];

async function timedGet(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    headers: { authorization: `token ${TOKEN}`, accept: "application/vnd.github+json" },
  });
  const body = await response.arrayBuffer();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { ms, bytes: body.byteLength };
}

async function latency(): Promise<void> {
  const seed = seedWith(LATENCY_ISSUES);
  const github = await startLocalGitHub({ seed });
  let bare: Server | undefined;
  try {
    const reference = await fetch(`${github.url}${PATH}`, { headers: { authorization: `token ${TOKEN}` } });
    const bytes = Buffer.from(await reference.arrayBuffer());
    const contentType = reference.headers.get("content-type") ?? "application/json; charset=utf-8";
    bare = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": contentType, "content-length": String(bytes.length) });
        res.end(bytes);
      });
    });
    await new Promise<void>((done) => bare!.listen(0, "127.0.0.1", done));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}${PATH}`;
    const emulatorUrl = `${github.url}${PATH}`;

    const emulator: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
      // Alternate which goes first so neither always meets a warmer connection.
      const order = round % 2 === 0 ? [emulatorUrl, bareUrl] : [bareUrl, emulatorUrl];
      for (const url of order) {
        const { ms } = await timedGet(url);
        if (round < WARMUP) continue;
        (url === emulatorUrl ? emulator : plain).push(ms);
      }
    }
    const ratio = median(emulator) / median(plain);
    console.log(
      `1. GET ${PATH} on ${LATENCY_ISSUES.toLocaleString("en")} issues (${bytes.length.toLocaleString("en")} bytes), ${ROUNDS} requests each, alternating`,
    );
    console.log(
      `   local GitHub   median ${median(emulator).toFixed(3)} ms   p90 ${percentile(emulator, 0.9).toFixed(3)} ms`,
    );
    console.log(
      `   bare node:http median ${median(plain).toFixed(3)} ms   p90 ${percentile(plain, 0.9).toFixed(3)} ms`,
    );
    console.log(`   ratio ${ratio.toFixed(2)}×   (target ≤ 3×: ${ratio <= 3 ? "met" : "NOT met"})`);
  } finally {
    await new Promise((done) => (bare ? bare.close(done) : done(undefined)));
    await github.stop();
  }
}

/** Child mode: seed 100,000 issues, read a few pages, print resident memory as JSON. */
async function memoryChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const baseline = process.memoryUsage().rss;
  let github = await startLocalGitHub({ seed: seedWith(MEMORY_ISSUES) });
  // The seed document itself is garbage now; what remains is the server's state.
  for (const page of [1, 2, 500]) await timedGet(`${github.url}${PATH}&page=${page}&state=all`);
  gc();
  await new Promise((done) => setTimeout(done, 200));
  gc();
  const usage = process.memoryUsage();
  console.log(JSON.stringify({ baseline, rss: usage.rss, heapUsed: usage.heapUsed }));
  await github.stop();
  github = undefined as never;
}

async function memory(): Promise<void> {
  const loader = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", loader, fileURLToPath(import.meta.url), "--memory-child"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const started = performance.now();
  const code = await new Promise<number | null>((done) => child.on("exit", done));
  if (code !== 0) throw new Error(`memory child exited with ${String(code)}`);
  const { baseline, rss, heapUsed } = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
    baseline: number;
    rss: number;
    heapUsed: number;
  };
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `2. ${MEMORY_ISSUES.toLocaleString("en")} seeded issues (child process, ${((performance.now() - started) / 1000).toFixed(1)} s to seed and read)`,
  );
  console.log(
    `   resident memory ${mb(rss)} MB (heap used ${mb(heapUsed)} MB; same process before seeding ${mb(baseline)} MB)`,
  );
  console.log(`   target ≤ 400 MB: ${rss <= 400 * 1024 * 1024 ? "met" : "NOT met"}`);
}

const WRITES_SEQUENTIAL = 200;
const WRITES_CONCURRENT = 800;
const WRITERS = 16;

async function create(url: string, title: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/repos/o/r/issues`, {
    method: "POST",
    headers: { authorization: `token ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ title, labels: ["phase-1"] }),
  });
  await response.arrayBuffer();
  if (response.status !== 201) throw new Error(`create answered ${response.status}`);
  return performance.now() - started;
}

/** Median create latency one at a time, and creates/s with WRITERS clients, on a fresh state dir. */
async function writeCost(issues: number, sync: boolean): Promise<{ median: number; perSecond: number }> {
  const stateDir = await mkdtemp(join(tmpdir(), "bench-local-github-"));
  const seed = seedWith(issues);
  seed.limits = { content_creation_per_minute: 10_000_000, content_creation_per_hour: 10_000_000 };
  // `sync` is this server's own option; a server without it (an older one) simply ignores it.
  const github = await startLocalGitHub({ seed, stateDir, ...{ sync } });
  try {
    const latencies: number[] = [];
    for (let index = 0; index < WRITES_SEQUENTIAL; index += 1)
      latencies.push(await create(github.url, `s${index}`));
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < WRITES_CONCURRENT) await create(github.url, `c${(next += 1)}`);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { median: median(latencies), perSecond: WRITES_CONCURRENT / seconds };
  } finally {
    await github.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function writes(): Promise<void> {
  console.log(
    `3. POST /repos/o/r/issues: median of ${WRITES_SEQUENTIAL} one at a time; creates/s of ${WRITES_CONCURRENT} from ${WRITERS} clients`,
  );
  for (const issues of [0, LATENCY_ISSUES]) {
    const durable = await writeCost(issues, true);
    const unsynced = await writeCost(issues, false);
    console.log(
      `   ${`repository of ${issues.toLocaleString("en")} issues`.padEnd(28)} fsync: median ${durable.median.toFixed(2)} ms, ${durable.perSecond.toFixed(0)}/s   no fsync: median ${unsynced.median.toFixed(2)} ms, ${unsynced.perSecond.toFixed(0)}/s`,
    );
  }
}

if (process.argv.includes("--memory-child")) {
  await memoryChild();
} else if (process.argv.includes("--writes-only")) {
  await writes();
} else {
  await latency();
  if (!process.argv.includes("--latency-only")) await memory();
  await writes();
}
