/**
 * emit-engine benchmark (`npm run bench:telemetry`), against the local GitHub, side by side in one
 * run with a baseline that writes as the prior implementation did: a `.keep` PUT (errors ignored),
 * then the record PUT, retried on 409 after a fixed 1 s, at most 5 attempts.
 *
 *   1. requests per record, uncontended (target: ours ≤ 1.0; baseline 2.0);
 *   2. 8 concurrent writers in one process, 400 records: records/s (target ≥ 3× the baseline)
 *      and records lost (target 0 for ours; the baseline's count is reported);
 *   3. for information: 8 writers that share nothing (one client each, as 8 separate runners),
 *      where only backoff separates them.
 *
 * Lost = not stored at the end, counted by reading the telemetry tree back through the API. The
 * server's content-creation limit (80/min, as GitHub's) is raised for every writer alike, so that
 * the figures measure the writers rather than a quota that would queue them all the same.
 */
import { startLocalGitHub } from "../src/emulator/start-local-github.js";
import { createGitHub, type GitHub } from "../src/github/octokit.js";
import type { EngineResult } from "../src/runtime/engine.js";
import {
  buildEnvelope,
  recordPathOf,
  serializeRecord,
  type TelemetryRecord,
} from "../src/telemetry/envelope.js";
import { emitRecord } from "../src/telemetry/emit-engine.js";
import { readRecordsFromApi } from "../src/telemetry/read-records-api.js";

const OWNER = "acme";
const TELEMETRY = "telemetry";
const WRITERS = 8;
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

/** The prior implementation's writer, as `reference/prior-implementation.md` §5.3 describes it. */
const baseline: Writer = async (github, record) => {
  const path = recordPathOf(record);
  const put = (file: string, text: string) =>
    github.rest.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo: TELEMETRY,
      path: file,
      message: "telemetry",
      content: Buffer.from(text).toString("base64"),
      request: { retries: 0 },
    });
  await put(`${path.slice(0, path.lastIndexOf("/"))}/.keep`, "").catch(() => undefined);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      await put(path, serializeRecord(record));
      return true;
    } catch (error) {
      if ((error as { status?: number }).status !== 409 || attempt === 5) return false;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  return false;
};

const server = await startLocalGitHub({
  seed: {
    users: [{ login: "bench" }],
    orgs: [{ login: OWNER, members: [{ login: "bench", role: "admin" }] }],
    repos: [{ name: `${OWNER}/${TELEMETRY}` }],
    tokens: [{ user: "bench" }],
    limits: { content_creation_per_minute: 1_000_000, content_creation_per_hour: 1_000_000 },
  },
});
const token = server.seeded!.tokens[0].token;
const client = () => createGitHub({ baseUrl: server.url, auth: token });
const admin = async (method: string, path: string) => {
  const response = await fetch(`${server.url}/_emulator/${path}`, {
    method,
    headers: { authorization: `token ${server.adminToken}` },
  });
  return (await response.json()) as { total: number; by_route: Record<string, Record<string, number>> };
};

async function storedCount(target: string): Promise<number> {
  let count = 0;
  for await (const entry of readRecordsFromApi(
    client(),
    { repo: `${OWNER}/${TELEMETRY}` },
    { target: { owner: OWNER, repo: target } },
  )) {
    if (entry.kind === "record") count += 1;
  }
  return count;
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

try {
  console.log(`emit-engine benchmark against the local GitHub (${server.url})\n`);

  const baseRequests = await uncontended(baseline, "uncontended-baseline");
  const ourRequests = await uncontended(ours, "uncontended-ours");
  console.log(`1. requests per record, uncontended (${UNCONTENDED} records, one writer)`);
  console.log(
    `   baseline ${fixed(baseRequests)}   ours ${fixed(ourRequests)}   ratio ${fixed(ourRequests / baseRequests)} (target ours ≤ 1.00)\n`,
  );

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

  console.log(`3. for information: ${WRITERS} writers sharing nothing (one client each), ${RECORDS} records`);
  const apart = await contended(ours, "independent-ours", false);
  console.log(
    `   ours     ${fixed(apart.perSecond)} records/s  (${apart.stored} stored, ${apart.lost} lost, ${fixed(apart.seconds, 1)} s, ${fixed(apart.requests / RECORDS)} requests/record)`,
  );
  console.log(`   ratio to the baseline above ${fixed(apart.perSecond / base.perSecond)}×`);
} finally {
  await server.stop();
}
