/**
 * One independent telemetry writer for `bench/telemetry.ts`: a separate OS process with its own
 * client, as one engine job on its own runner. Reads `{ url, token, telemetry_repo, mode, records }`
 * (records as stored text) from stdin, prints `ready`, waits for a line on stdin, writes its records
 * one after another, and prints one JSON line (`WriterReport` in `bench/telemetry.ts`): stored and
 * failed counts, requests per record, and where its time went (in requests, waiting between
 * attempts, answers by status and by kind of 409).
 * `mode` is `ours` (emit-engine) or `baseline` (the prior pattern, see `bench/telemetry.ts`).
 */
import { createInterface } from "node:readline";
import { createGitHub } from "../src/github/octokit.js";
import type { TelemetryRecord } from "../src/telemetry/envelope.js";
import { emitRecord } from "../src/telemetry/emit-engine.js";
import { priorWrite } from "./prior-writer.js";

interface Job {
  url: string;
  token: string;
  telemetry_repo: string;
  mode: "ours" | "baseline";
  records: string[];
}

const lines = createInterface({ input: process.stdin });
const iterator = lines[Symbol.asyncIterator]();
const job = JSON.parse(String((await iterator.next()).value)) as Job;
const github = createGitHub({ baseUrl: job.url, auth: job.token });
let requests = 0;
let requestMs = 0;
let sleepMs = 0;
const answers: Record<string, number> = {};
const count = (key: string) => (answers[key] = (answers[key] ?? 0) + 1);
github.hook.wrap("request", async (request, options) => {
  requests += 1;
  const started = performance.now();
  try {
    const response = await request(options);
    count(`${options.method} ${response.status}`);
    return response;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = error instanceof Error ? error.message : "";
    // A 409 from a moved head says "is at X but expected Y"; an injected one says only "Conflict".
    const kind = status === 409 ? (/is at|expected/.test(message) ? " moved" : " injected") : "";
    count(`${options.method} ${status ?? "none"}${kind}`);
    throw error;
  } finally {
    requestMs += performance.now() - started;
  }
});
process.stdout.write("ready\n");
await iterator.next();

let stored = 0;
let failed = 0;
const perRecord: number[] = [];
const started = performance.now();
for (const text of job.records) {
  const record = JSON.parse(text) as TelemetryRecord;
  const before = requests;
  let ok: boolean;
  if (job.mode === "ours") {
    ok = await emitRecord(
      github,
      { telemetry_repo: job.telemetry_repo, record },
      { onRetry: (event) => (sleepMs += event.waitMs) },
    ).then(
      () => true,
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        return false;
      },
    );
  } else {
    ok = await priorWrite(github, job.telemetry_repo, record, (ms) => (sleepMs += ms));
  }
  perRecord.push(requests - before);
  if (ok) stored += 1;
  else failed += 1;
}
const totalMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ stored, failed, requests: perRecord, totalMs, requestMs, sleepMs, answers })}\n`,
);
lines.close();
