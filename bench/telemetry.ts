/**
 * emit-engine benchmark (`npm run bench:telemetry`), against the local GitHub, side by side in one
 * run with a baseline that writes as the prior implementation did (`bench/prior-writer.ts`): a
 * `.keep` PUT (errors ignored), then the record PUT, retried on 409 after a fixed 1 s, at most 5
 * attempts.
 *
 *   1. requests per record, uncontended (target: ours ≤ 1.0; baseline 2.0);
 *   2. 8 concurrent writers in one process sharing one client, 400 records: records/s and lost;
 *   3. independent writers, each a separate OS process with its own client (as engine jobs on
 *      separate runners), 16 and 64 of them, 400 records, with 30% 409 and 5% 503 injected on the
 *      contents PUT: lost and duplicated (target 0/0 for ours), records/s against the baseline
 *      (target ≥ 3×) and the median requests per record.
 *
 * `npm run bench:telemetry -- --part 3` runs one part only; `--writers N` runs part 3 with N writers
 * only.
 *
 * Lost = not stored at the end; duplicated = a (correlation id, engine) stored more than once;
 * both counted by reading the telemetry tree back through the API. Throughput counts the write
 * phase only: the processes start, load and report ready before the clock starts. The server's
 * content-creation limit (80/min, as GitHub's) is raised for every writer alike, so that the
 * figures measure the writers rather than a quota that would queue them all the same.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { startLocalGitHub } from "../src/emulator/start-local-github.js";
import { createGitHub, type GitHub } from "../src/github/octokit.js";
import type { EngineResult } from "../src/runtime/engine.js";
import { buildEnvelope, serializeRecord, type TelemetryRecord } from "../src/telemetry/envelope.js";
import { emitRecord } from "../src/telemetry/emit-engine.js";
import { readRecordsFromApi } from "../src/telemetry/read-records-api.js";
import { priorWrite } from "./prior-writer.js";

const OWNER = "acme";
const TELEMETRY = "telemetry";
const WRITERS = 8;
const PROCESS_WRITERS = [16, 64];
const CONTENTS_PUT = "PUT /repos/{owner}/{repo}/contents/{path}";
const RECORDS = 400;
const UNCONTENDED = 20;
const ENGINES = ["preflight", "validate", "materialize", "enforce", "self-test"] as const;

type Writer = (github: GitHub, record: TelemetryRecord) => Promise<boolean>;

function result(engine: string, index: number): EngineResult {
  return {
    tool: engine,
    version: "1.4.0",
    ok: true,
    summary: `bench record ${index}`,
    checks: [{ id: "bench", outcome: "PASS" }],
    actions: [],
  };
}

/** Records as runs make them: five engines per correlation id, one target repository per scenario. */
function records(target: string, count: number): TelemetryRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const engine = ENGINES[index % ENGINES.length];
    return buildEnvelope({
      generated_at: new Date(Date.parse("2026-11-21T08:00:00.000Z") + index * 1_000),
      correlation_id: `${1000 + Math.floor(index / ENGINES.length)}-1`,
      engine_name: engine,
      engine_ref: "v1.4.0",
      target_repo: `${OWNER}/${target}`,
      source: { runner: "local", workflow: `engine-${engine}`, job: engine },
      ok: true,
      details: result(engine, index),
    });
  });
}

const ours: Writer = async (github, record) => {
  try {
    await emitRecord(github, { telemetry_repo: `${OWNER}/${TELEMETRY}`, record });
    return true;
  } catch {
    return false;
  }
};

const baseline: Writer = (github, record) => priorWrite(github, `${OWNER}/${TELEMETRY}`, record);

const server = await startLocalGitHub({
  seed: {
    users: [{ login: "bench" }],
    orgs: [{ login: OWNER, members: [{ login: "bench", role: "admin" }] }],
    repos: [{ name: `${OWNER}/${TELEMETRY}` }],
    tokens: [{ user: "bench" }],
    limits: {
      primary_per_hour: 1_000_000,
      content_creation_per_minute: 1_000_000,
      content_creation_per_hour: 1_000_000,
    },
  },
});
const token = server.seeded!.tokens[0].token;
const client = () => createGitHub({ baseUrl: server.url, auth: token });
const admin = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}/_emulator/${path}`, {
    method,
    headers: { authorization: `token ${server.adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return (text === "" ? {} : JSON.parse(text)) as {
    total: number;
    by_route: Record<string, Record<string, number>>;
  };
};

async function storedCount(target: string): Promise<number> {
  return (await storedRecords(target)).stored;
}

/** Records stored for `target`, and how many (correlation id, engine) pairs are stored twice or more. */
async function storedRecords(target: string): Promise<{ stored: number; duplicated: number }> {
  const seen = new Map<string, number>();
  for await (const entry of readRecordsFromApi(
    client(),
    { repo: `${OWNER}/${TELEMETRY}` },
    { target: { owner: OWNER, repo: target } },
  )) {
    if (entry.kind !== "record") continue;
    const key = `${entry.record.correlation_id}/${entry.record.engine_name}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const counts = [...seen.values()];
  return {
    stored: counts.filter((count) => count >= 1).length,
    duplicated: counts.reduce((sum, count) => sum + count - 1, 0),
  };
}

interface WriterReport {
  stored: number;
  failed: number;
  requests: number[];
  /** The writer's time from the start signal to its last record, and the parts of it. */
  totalMs: number;
  requestMs: number;
  sleepMs: number;
  /** Answers by "METHOD status" (a 409 marked moved or injected). */
  answers: Record<string, number>;
}

/**
 * The injected faults: 30% 409 on each request that moves the branch (a contents PUT, a ref
 * update) and 5% 503 on every write a writer may make, so that no write path sees fewer faults
 * than the contents PUT.
 */
const INJECTED = [
  { route: CONTENTS_PUT, status: 409, probability: 0.3 },
  { route: "PATCH /repos/{owner}/{repo}/git/refs/{ref}", status: 409, probability: 0.3 },
  ...[
    CONTENTS_PUT,
    "POST /repos/{owner}/{repo}/git/blobs",
    "POST /repos/{owner}/{repo}/git/trees",
    "POST /repos/{owner}/{repo}/git/commits",
    "POST /repos/{owner}/{repo}/git/refs",
    "PATCH /repos/{owner}/{repo}/git/refs/{ref}",
  ].map((route) => ({ route, status: 503, probability: 0.05 })),
];

/**
 * Independent writers as separate OS processes: each gets every `writers`-th record, starts, says
 * ready, and on the signal writes its records in turn with its own client.
 */
async function independent(
  mode: "ours" | "baseline",
  target: string,
  writers: number,
  options: { count?: number; faults?: boolean } = {},
) {
  const total = options.count ?? RECORDS;
  const batch = records(target, total).map((record) => serializeRecord(record));
  const spawned = performance.now();
  const children = Array.from({ length: writers }, (_, index) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./telemetry-writer.ts", import.meta.url).pathname],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stdin.write(
      `${JSON.stringify({
        url: server.url,
        token,
        telemetry_repo: `${OWNER}/${TELEMETRY}`,
        mode,
        records: batch.filter((_, at) => at % writers === index),
      })}\n`,
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { child, lines, exited, errors: () => errors };
  });
  for (const { lines } of children) {
    const line = await lines.next();
    if (line.value !== "ready") throw new Error("a writer process did not start");
  }
  const startupSeconds = (performance.now() - spawned) / 1000;
  await admin("POST", "stats/reset");
  if (options.faults !== false) await admin("POST", "faults", INJECTED);
  const started = performance.now();
  for (const { child } of children) child.stdin.write("go\n");
  const reports: WriterReport[] = [];
  for (const { lines, exited, errors, child } of children) {
    const line = await lines.next();
    child.stdin.end();
    await exited;
    if (typeof line.value !== "string") throw new Error(`a writer process failed: ${errors()}`);
    reports.push(JSON.parse(line.value) as WriterReport);
  }
  const seconds = (performance.now() - started) / 1000;
  await admin("DELETE", "faults");
  const stats = await admin("GET", "stats");
  const { stored, duplicated } = await storedRecords(target);
  const perRecord = reports.flatMap((report) => report.requests).sort((a, b) => a - b);
  const sum = (pick: (report: WriterReport) => number) =>
    reports.reduce((total, report) => total + pick(report), 0) / 1000;
  const answers: Record<string, number> = {};
  for (const report of reports)
    for (const [key, value] of Object.entries(report.answers)) answers[key] = (answers[key] ?? 0) + value;
  return {
    seconds,
    startupSeconds,
    writerSeconds: sum((report) => report.totalMs),
    requestSeconds: sum((report) => report.requestMs),
    sleepSeconds: sum((report) => report.sleepMs),
    answers,
    stored,
    lost: total - stored,
    duplicated,
    perSecond: stored / seconds,
    requests: stats.total,
    median: perRecord[Math.floor(perRecord.length / 2)],
  };
}

type Figures = Awaited<ReturnType<typeof independent>>;

/** Where the writers' time went: per writer-second, in requests, waiting, and the rest (its own CPU). */
function breakdown(figures: Figures): string {
  const share = (part: number) => `${Math.round((100 * part) / figures.writerSeconds)}%`;
  const other = figures.writerSeconds - figures.requestSeconds - figures.sleepSeconds;
  const answers = Object.entries(figures.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  return `            time: ${fixed(figures.writerSeconds, 0)} writer-s = ${share(figures.requestSeconds)} in requests + ${share(figures.sleepSeconds)} waiting between attempts + ${share(other)} other; start-up before the clock ${fixed(figures.startupSeconds, 1)} s\n            answers: ${answers}`;
}

async function uncontended(writer: Writer, target: string): Promise<number> {
  const github = client();
  const batch = records(target, UNCONTENDED);
  await admin("POST", "stats/reset");
  for (const record of batch) await writer(github, record);
  return (await admin("GET", "stats")).total / UNCONTENDED;
}

async function contended(writer: Writer, target: string, shared: boolean) {
  const batch = records(target, RECORDS);
  const queue = [...batch];
  const sharedClient = client();
  await admin("POST", "stats/reset");
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const github = shared ? sharedClient : client();
      for (let record = queue.shift(); record !== undefined; record = queue.shift())
        await writer(github, record);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const stats = await admin("GET", "stats");
  const stored = await storedCount(target);
  return { seconds, stored, lost: RECORDS - stored, perSecond: stored / seconds, requests: stats.total };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const partFlag = process.argv.indexOf("--part");
const only = partFlag === -1 ? undefined : Number(process.argv[partFlag + 1]);
const part = (n: number) => only === undefined || only === n;
const writersFlag = process.argv.indexOf("--writers");
const processWriters = writersFlag === -1 ? PROCESS_WRITERS : [Number(process.argv[writersFlag + 1])];

try {
  console.log(`emit-engine benchmark against the local GitHub (${server.url})\n`);

  if (part(1)) {
    const baseRequests = await uncontended(baseline, "uncontended-baseline");
    const ourRequests = await uncontended(ours, "uncontended-ours");
    console.log(`1. requests per record, uncontended (${UNCONTENDED} records, one writer)`);
    console.log(
      `   baseline ${fixed(baseRequests)}   ours ${fixed(ourRequests)}   ratio ${fixed(ourRequests / baseRequests)} (target ours ≤ 1.00)\n`,
    );
  }

  if (part(2)) {
    console.log(`2. ${WRITERS} concurrent writers in one process, ${RECORDS} records`);
    const base = await contended(baseline, "contended-baseline", true);
    console.log(
      `   baseline ${fixed(base.perSecond)} records/s  (${base.stored} stored, ${base.lost} lost, ${fixed(base.seconds, 1)} s, ${fixed(base.requests / RECORDS)} requests/record)`,
    );
    const mine = await contended(ours, "contended-ours", true);
    console.log(
      `   ours     ${fixed(mine.perSecond)} records/s  (${mine.stored} stored, ${mine.lost} lost, ${fixed(mine.seconds, 1)} s, ${fixed(mine.requests / RECORDS)} requests/record)`,
    );
    console.log(
      `   ratio    ${fixed(mine.perSecond / base.perSecond)}× (target ≥ 3×; ours lost ${mine.lost}, target 0)\n`,
    );
  }

  if (part(3)) {
    // The server's own pace for one commit per record: one writer alone, no faults.
    const alone = await independent("ours", "processes-alone", 1, { count: 100, faults: false });
    console.log(
      `3. one writer alone, no faults: ${fixed(alone.perSecond)} records/s (${alone.stored} stored; the server's pace for one commit per record)`,
    );
    console.log(breakdown(alone) + "\n");
  }
  for (const writers of part(3) ? processWriters : []) {
    console.log(
      `3. ${writers} independent writers (separate OS processes, one client each), ${RECORDS} records, 30% 409 on each branch move + 5% 503 on each write injected`,
    );
    const prior = await independent("baseline", `processes-${writers}-baseline`, writers);
    const now = await independent("ours", `processes-${writers}-ours`, writers);
    for (const [name, figures] of [
      ["baseline", prior],
      ["ours    ", now],
    ] as const) {
      console.log(
        `   ${name} ${fixed(figures.perSecond)} records/s  (${figures.stored} stored, ${figures.lost} lost, ${figures.duplicated} duplicated, ${fixed(figures.seconds, 1)} s, median ${figures.median} requests/record, mean ${fixed(figures.requests / RECORDS)})`,
      );
      console.log(breakdown(figures));
    }
    console.log(
      `   ratio    ${fixed(now.perSecond / prior.perSecond)}× (target ≥ 3×; ours lost ${now.lost} and duplicated ${now.duplicated}, target 0/0)\n`,
    );
  }
} finally {
  await server.stop();
}
