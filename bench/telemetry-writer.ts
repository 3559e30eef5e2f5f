/**
 * One independent telemetry writer for `bench/telemetry.ts`: a separate OS process with its own
 * client, as one engine job on its own runner. Reads `{ url, token, telemetry_repo, mode, records }`
 * (records as stored text) from stdin, prints `ready`, waits for a line on stdin, writes its records
 * one after another, and prints one JSON line: `{ stored, failed, requests: [per record] }`.
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
github.hook.before("request", () => {
  requests += 1;
});
process.stdout.write("ready\n");
await iterator.next();

let stored = 0;
let failed = 0;
const perRecord: number[] = [];
for (const text of job.records) {
  const record = JSON.parse(text) as TelemetryRecord;
  const before = requests;
  let ok: boolean;
  if (job.mode === "ours") {
    ok = await emitRecord(github, { telemetry_repo: job.telemetry_repo, record }).then(
      () => true,
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        return false;
      },
    );
  } else {
    ok = await priorWrite(github, job.telemetry_repo, record);
  }
  perRecord.push(requests - before);
  if (ok) stored += 1;
  else failed += 1;
}
process.stdout.write(`${JSON.stringify({ stored, failed, requests: perRecord })}\n`);
lines.close();
