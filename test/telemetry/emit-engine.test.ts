import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ExternalError, ImmutableRecordConflict, PolicyError, ValidationError } from "../../src/errors.js";
import { recordPathOf, serializeRecord, type TelemetryRecord } from "../../src/telemetry/envelope.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import {
  aRecord,
  aResult,
  CONTENTS_PUT,
  gitEnv,
  startTelemetryWorld,
  virtualTime,
  type TelemetryWorld,
} from "./telemetry-world.js";
import { checkConcurrentWriters } from "./concurrent-writers-case.js";

const run = promisify(execFile);

let world: TelemetryWorld;
beforeAll(async () => {
  world = await startTelemetryWorld();
});
afterAll(async () => {
  await world.stop();
});
beforeEach(async () => {
  await world.clearFaults();
  await world.resetStats();
});

async function storedText(path: string): Promise<string | undefined> {
  try {
    const { data } = await world.github.rest.repos.getContent({ owner: "acme", repo: "telemetry", path });
    return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

describe("emitRecord against the local GitHub", () => {
  it("stores an uncontended record with exactly one request: one contents PUT, no .keep", async () => {
    const record = aRecord({ correlation_id: "uncontended-1" });
    const result = await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record });

    expect(result).toMatchObject({
      path: "telemetry/v1/repos/acme-widgets/2026-11-21/uncontended-1/validate.json",
      outcome: "created",
      attempts: 1,
    });
    expect(result.commit_sha).toMatch(/^[0-9a-f]{40}$/);
    const stats = await world.stats();
    expect(stats.total).toBe(1);
    expect(stats.by_route).toEqual({ [CONTENTS_PUT]: { "201": 1 } });
    expect(await storedText(result.path)).toBe(serializeRecord(record));
  });

  it("treats a re-emit of the same record as success and still holds one file", async () => {
    const record = aRecord({ correlation_id: "re-emit-1" });
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record });
    const again = await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record });

    expect(again).toEqual({ path: recordPathOf(record), outcome: "identical", attempts: 1 });
    const { data } = await world.github.rest.repos.getContent({
      owner: "acme",
      repo: "telemetry",
      path: "telemetry/v1/repos/acme-widgets/2026-11-21/re-emit-1",
    });
    expect((data as Array<{ name: string }>).map((entry) => entry.name)).toEqual(["validate.json"]);
  });

  it("refuses different content at the same path and leaves the stored record untouched", async () => {
    const first = aRecord({ correlation_id: "conflict-1" });
    const second = aRecord({
      correlation_id: "conflict-1",
      ok: false,
      details: aResult({ ok: false, summary: "broken" }),
    });
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: first });

    const attempt = emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: second });
    await expect(attempt).rejects.toBeInstanceOf(ImmutableRecordConflict);
    await expect(attempt).rejects.toMatchObject({ exitCode: 2 });
    expect(await storedText(recordPathOf(first))).toBe(serializeRecord(first));
  });

  it("waits exactly as long as a secondary-limit 403 says, then writes", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 403, retry_after: 37, count: 1 });
    const time = virtualTime();
    const retries: unknown[] = [];
    const result = await emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "secondary-1" }) },
      { sleep: time.sleep, now: time.now, random: () => 0.5, onRetry: (event) => retries.push(event) },
    );

    expect(result).toMatchObject({ outcome: "created", attempts: 2 });
    expect(time.sleeps).toEqual([37_000]);
    expect(retries).toEqual([
      { attempt: 1, status: 403, waitMs: 37_000, cause: "rate-limited", remainingMs: 600_000 - 37_000 },
    ]);
    expect((await world.stats()).by_route[CONTENTS_PUT]).toEqual({ "201": 1, "403": 1 });
  });

  it("gives up at once when the wait GitHub asks for would pass the deadline", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 429, retry_after: 3600, count: 1 });
    const time = virtualTime();
    const attempt = emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "deadline-1" }) },
      { sleep: time.sleep, now: time.now, deadlineMs: 60_000 },
    );
    await expect(attempt).rejects.toBeInstanceOf(ExternalError);
    await expect(attempt).rejects.toThrow(/deadline/);
    expect(time.sleeps).toEqual([]);
    expect((await world.stats()).total).toBe(1);
  });

  it("retries conflicts with growing, jittered waits and stops after maxAttempts when one is set", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 409 });
    const time = virtualTime();
    const attempt = emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "exhausted-1" }) },
      { sleep: time.sleep, now: time.now, random: () => 0.75, maxAttempts: 8 },
    );
    await expect(attempt).rejects.toThrow(/failed after 8 attempts \(HTTP 409; attempts exhausted\)/);
    // Full jitter at 0.75 of a ceiling of 100 ms doubling up to 5 s.
    expect(time.sleeps).toEqual([75, 150, 300, 600, 1200, 2400, 3750]);
    expect((await world.stats()).by_route).toEqual({ [CONTENTS_PUT]: { "409": 8 } });
  });

  it("by default keeps retrying conflicts past any small count, until the deadline", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 409, count: 30 });
    const time = virtualTime();
    const result = await emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "contended-1" }) },
      { sleep: time.sleep, now: time.now, random: () => 0.75 },
    );
    expect(result).toMatchObject({ outcome: "created", attempts: 31 });
    // The ceiling grows with every collision and stays at the 5 s cap.
    expect(time.sleeps.slice(0, 7)).toEqual([75, 150, 300, 600, 1200, 2400, 3750]);
    expect(new Set(time.sleeps.slice(6))).toEqual(new Set([3750]));
    expect((await world.stats()).by_route[CONTENTS_PUT]).toEqual({ "201": 1, "409": 30 });
  });

  it("gives up on endless conflicts when the default ten-minute deadline is spent, not before", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 409 });
    const time = virtualTime();
    const attempt = emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "forever-1" }) },
      { sleep: time.sleep, now: time.now, random: () => 0.75 },
    );
    await expect(attempt).rejects.toThrow(/HTTP 409; the next try would pass the 10 min deadline/);
    const waited = time.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThan(600_000 - 3_750);
    expect(waited).toBeLessThanOrEqual(600_000);
  });

  it("retries 503 and then succeeds, with Octokit's own retries switched off", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 503, count: 2 });
    const time = virtualTime();
    const result = await emitRecord(
      world.github,
      { telemetry_repo: "acme/telemetry", record: aRecord({ correlation_id: "unavailable-1" }) },
      { sleep: time.sleep, now: time.now, random: () => 0 },
    );
    expect(result).toMatchObject({ outcome: "created", attempts: 3 });
    expect((await world.stats()).by_route).toEqual({ [CONTENTS_PUT]: { "201": 1, "503": 2 } });
  });

  it("does not retry what would fail again (404: no such telemetry repository)", async () => {
    const attempt = emitRecord(world.github, {
      telemetry_repo: "acme/missing",
      record: aRecord({ correlation_id: "missing-1" }),
    });
    await expect(attempt).rejects.toMatchObject({ exitCode: 3, status: 404 });
    expect((await world.stats()).total).toBe(1);
  });
});

describe("refusals happen before any request", () => {
  const refusals: Array<
    [string, () => { telemetry_repo: string; record: TelemetryRecord }, new (...args: never[]) => Error]
  > = [
    [
      "a telemetry repository of another org",
      () => ({ telemetry_repo: "globex/telemetry", record: aRecord() }),
      PolicyError,
    ],
    [
      "the monitored repository as telemetry repository",
      () => ({ telemetry_repo: "acme/widgets", record: aRecord() }),
      PolicyError,
    ],
    [
      "an invalid path segment",
      () => ({ telemetry_repo: "acme/telemetry", record: { ...aRecord(), correlation_id: "../../../etc" } }),
      ValidationError,
    ],
    [
      "an owner+repo object deep in the result, before a clean last object",
      () => {
        const record = aRecord();
        record.details = {
          ...record.details,
          checks: [
            { id: "a", outcome: "PASS", details: { nested: [{ owner: "globex", repo: "secrets" }] } },
            { id: "b", outcome: "PASS", details: { clean: true } },
          ],
        };
        return { telemetry_repo: "acme/telemetry", record };
      },
      ValidationError,
    ],
    [
      "a top-level event key in the result",
      () => {
        const record = aRecord();
        record.details = { ...record.details, event: { action: "labeled" } };
        return { telemetry_repo: "acme/telemetry", record };
      },
      ValidationError,
    ],
  ];

  it.each(refusals)("refuses %s and makes no request", async (_name, input, type) => {
    await expect(emitRecord(world.github, input())).rejects.toBeInstanceOf(type);
    expect((await world.stats()).total).toBe(0);
  });
});

describe("eight concurrent writers under injected faults", () => {
  // The same check with 500 records runs in `npm run soak`.
  it("stores exactly the 100 intended records, none lost or duplicated, every write in the history", async () => {
    await checkConcurrentWriters(world, { records: 100, min409: 20, min503: 0 });
  });
});

describe("concurrent emits through one client", () => {
  const burst = (prefix: string, count: number, date = "2026-10-01") =>
    Array.from({ length: count }, (_, index) =>
      aRecord({
        correlation_id: `${prefix}-${index}`,
        generated_at: new Date(`${date}T08:00:00.000Z`),
        details: aResult({ summary: `${prefix} ${index}` }),
      }),
    );

  it("stores a burst as one PUT and then one batch commit, without conflicting with itself", async () => {
    const records = burst("burst", 10);
    const results = await Promise.all(
      records.map((record) => emitRecord(world.github, { telemetry_repo: "acme/telemetry", record })),
    );

    expect(results.map((result) => result.outcome)).toEqual(Array(10).fill("created"));
    expect(new Set(results.slice(1).map((result) => result.commit_sha)).size).toBe(1);
    expect((await world.stats()).by_route).toEqual({
      [CONTENTS_PUT]: { "201": 1 },
      "GET /repos/{owner}/{repo}": { "200": 1 },
      "GET /repos/{owner}/{repo}/branches/{branch}": { "200": 1 },
      "GET /repos/{owner}/{repo}/contents/{path}": { "200": 1 },
      "POST /repos/{owner}/{repo}/git/trees": { "201": 1 },
      "POST /repos/{owner}/{repo}/git/commits": { "201": 1 },
      "PATCH /repos/{owner}/{repo}/git/refs/{ref}": { "200": 1 },
    });
    for (const record of records)
      expect(await storedText(recordPathOf(record))).toBe(serializeRecord(record));
  });

  it("keeps stored records in a batch: identical is success, different is a conflict, the rest are written", async () => {
    const [occupant, kept, taken, fresh] = burst("mixed", 4, "2026-10-02");
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: kept });
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: taken });
    const rival = { ...taken, details: aResult({ summary: "a different outcome" }) };

    // The occupant is written alone; the other three wait and go together as one batch.
    const settled = await Promise.allSettled(
      [occupant, kept, rival, fresh].map((record) =>
        emitRecord(world.github, { telemetry_repo: "acme/telemetry", record }),
      ),
    );

    expect(
      settled.map((entry) =>
        entry.status === "fulfilled" ? entry.value.outcome : (entry.reason as Error).name,
      ),
    ).toEqual(["created", "identical", "ImmutableRecordConflict", "created"]);
    expect(await storedText(recordPathOf(taken))).toBe(serializeRecord(taken));
    expect(await storedText(recordPathOf(fresh))).toBe(serializeRecord(fresh));
  });

  it("starts a batch again from the new head when another writer moved the branch first", async () => {
    await world.addFaults({ route: "PATCH /repos/{owner}/{repo}/git/refs/{ref}", status: 422, count: 1 });
    const time = virtualTime();
    const records = burst("moved", 3, "2026-10-03");
    const results = await Promise.all(
      records.map((record) =>
        emitRecord(
          world.github,
          { telemetry_repo: "acme/telemetry", record },
          { sleep: time.sleep, now: time.now, random: () => 0.5 },
        ),
      ),
    );

    expect(results.map((result) => [result.outcome, result.attempts])).toEqual([
      ["created", 1],
      ["created", 2],
      ["created", 2],
    ]);
    expect(time.sleeps).toEqual([50]);
    expect((await world.stats()).by_route["PATCH /repos/{owner}/{repo}/git/refs/{ref}"]).toEqual({
      "200": 1,
      "422": 1,
    });
    for (const record of records)
      expect(await storedText(recordPathOf(record))).toBe(serializeRecord(record));
  });

  it("falls back to one PUT per record when the git data API will not take the batch", async () => {
    await world.addFaults({ route: "GET /repos/{owner}/{repo}/branches/{branch}", status: 404, count: 1 });
    const records = burst("fallback", 3, "2026-10-04");
    const results = await Promise.all(
      records.map((record) => emitRecord(world.github, { telemetry_repo: "acme/telemetry", record })),
    );

    expect(results.map((result) => result.outcome)).toEqual(["created", "created", "created"]);
    expect((await world.stats()).by_route[CONTENTS_PUT]).toEqual({ "201": 3 });
  });

  it(
    "stores exactly the intended records when batches meet conflicts and outages",
    { timeout: 600_000 },
    async () => {
      await world.setLimits({
        content_creation_per_minute: 1_000_000,
        content_creation_per_hour: 1_000_000,
        reset_windows: true,
      });
      await world.addFaults(
        { route: CONTENTS_PUT, status: 409, probability: 0.3 },
        { route: "PATCH /repos/{owner}/{repo}/git/refs/{ref}", status: 409, probability: 0.3 },
        { route: "POST /repos/{owner}/{repo}/git/trees", status: 503, probability: 0.05 },
      );
      const records = burst("shared", 120, "2026-10-05");
      const queue = [...records.keys()];
      const results: Array<{ outcome: string; commit_sha?: string }> = [];
      const writer = async () => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          results[index] = await emitRecord(
            world.github,
            { telemetry_repo: "acme/telemetry", record: records[index] },
            { maxAttempts: 40, baseDelayMs: 5, maxDelayMs: 200 },
          );
        }
      };
      await Promise.all(Array.from({ length: 8 }, writer));
      await world.clearFaults();

      expect(results.filter((result) => result.outcome === "created")).toHaveLength(120);
      const checkout = await world.clone();
      const { stdout: history } = await run("git", ["rev-list", "HEAD"], { cwd: checkout, env: gitEnv() });
      const commits = new Set(history.trim().split("\n"));
      for (const result of results) expect(commits.has(result.commit_sha!)).toBe(true);
      for (const record of records) {
        expect(await readFile(join(checkout, recordPathOf(record)), "utf8")).toBe(serializeRecord(record));
      }
      const { stdout: added } = await run(
        "git",
        [
          "log",
          "--diff-filter=A",
          "--name-only",
          "--format=",
          "--",
          "telemetry/v1/repos/acme-widgets/2026-10-05",
        ],
        { cwd: checkout, env: gitEnv() },
      );
      expect(added.split("\n").filter(Boolean).sort()).toEqual(records.map(recordPathOf).sort());
    },
  );
});
