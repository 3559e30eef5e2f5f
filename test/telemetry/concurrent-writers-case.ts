import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { createGitHub } from "../../src/github/octokit.js";
import { recordPathOf, serializeRecord } from "../../src/telemetry/envelope.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { aRecord, aResult, CONTENTS_PUT, gitEnv, type TelemetryWorld } from "./telemetry-world.js";

const run = promisify(execFile);

/** How large a run of `checkConcurrentWriters` is, and how many injected faults it must have met. */
export interface ConcurrentWritersCase {
  records: number;
  /** The 409s and 503s answered must exceed these, so the faults were really met. */
  min409: number;
  min503: number;
}

/**
 * Eight writers, each with its own client (as separate runners would have), emit `records` records
 * against 30% injected 409s and 5% 503s on the contents PUT, on top of their real contention for the
 * branch. Checks that every record is stored exactly once, byte for byte, that every commit a writer
 * was told about is in the history, and that each path was added exactly once. The suite runs a
 * small case, `npm run soak` the 500-record one.
 */
export async function checkConcurrentWriters(
  world: TelemetryWorld,
  size: ConcurrentWritersCase,
): Promise<void> {
  // GitHub's content-creation limit (80/min) would make this a test of patience, not of the writer.
  await world.setLimits({
    content_creation_per_minute: 1_000_000,
    content_creation_per_hour: 1_000_000,
    reset_windows: true,
  });
  await world.resetStats();
  await world.addFaults(
    { route: CONTENTS_PUT, status: 409, probability: 0.3 },
    { route: CONTENTS_PUT, status: 503, probability: 0.05 / 0.7 },
  );
  const engines = ["preflight", "validate", "materialize", "enforce", "self-test"] as const;
  const records = Array.from({ length: size.records }, (_, index) =>
    aRecord({
      correlation_id: `load-${Math.floor(index / engines.length)}`,
      engine_name: engines[index % engines.length],
      generated_at: new Date(Date.parse("2026-11-20T23:59:00.000Z") + index * 997),
      details: aResult({ tool: engines[index % engines.length], summary: `record ${index}` }),
    }),
  );
  const queue = [...records.keys()];
  const results: Array<{ path: string; outcome: string; commit_sha?: string }> = [];
  // The attempt budget is raised from 8 so that giving up (a chance of about 0.5^n per record here)
  // does not happen; what is under test is that retried writes land exactly once and byte for byte.
  const writer = async () => {
    const github = createGitHub({ baseUrl: world.server.url, auth: world.token });
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      results[index] = await emitRecord(
        github,
        { telemetry_repo: "acme/telemetry", record: records[index] },
        { maxAttempts: 60, baseDelayMs: 20, maxDelayMs: 1_000 },
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  await world.clearFaults();

  expect(results.filter((result) => result.outcome === "created")).toHaveLength(size.records);
  const stats = await world.stats();
  expect(stats.by_route[CONTENTS_PUT]["201"]).toBe(size.records);
  expect(stats.by_route[CONTENTS_PUT]["409"]).toBeGreaterThan(size.min409);
  expect(stats.by_route[CONTENTS_PUT]["503"]).toBeGreaterThan(size.min503);

  const checkout = await world.clone();
  const stored = await listFiles(join(checkout, "telemetry/v1/repos"));
  const intended = new Map(records.map((record) => [recordPathOf(record), serializeRecord(record)]));
  const written = stored.filter((path) => path.includes("/load-"));
  expect(written.sort()).toEqual([...intended.keys()].sort());
  for (const path of written) {
    expect(await readFile(join(checkout, path), "utf8")).toBe(intended.get(path));
  }
  const { stdout } = await run("git", ["rev-list", "HEAD"], { cwd: checkout, env: gitEnv() });
  const history = new Set(stdout.trim().split("\n"));
  for (const result of results) expect(history.has(result.commit_sha!)).toBe(true);
  const { stdout: added } = await run(
    "git",
    ["log", "--diff-filter=A", "--name-only", "--format=", "--", "telemetry/v1/repos/acme-widgets/*/load-*"],
    { cwd: checkout, env: gitEnv() },
  );
  // Each record path was added exactly once: no duplicate commits, no rewrites.
  const additions = added.split("\n").filter(Boolean);
  expect(additions).toHaveLength(size.records);
  expect(new Set(additions).size).toBe(size.records);
}

async function listFiles(root: string, prefix = "telemetry/v1/repos"): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(join(root, entry.name), path)));
    else files.push(path);
  }
  return files;
}
