import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTENTS_PUT, startTelemetryWorld, type TelemetryWorld } from "./telemetry-world.js";

const run = promisify(execFile);
const BIN = join(process.cwd(), "dist/cli/bin.js");
const WRITERS = 4;

let world: TelemetryWorld;
let workdir: string;
beforeAll(async () => {
  world = await startTelemetryWorld();
  workdir = await mkdtemp(join(tmpdir(), "independent-writers-"));
});
afterAll(async () => {
  await world.stop();
  await rm(workdir, { recursive: true, force: true });
});

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe("independent telemetry writers (separate OS processes, as separate runners)", () => {
  it("store every record exactly once under injected conflicts and outages", async () => {
    await world.setLimits({
      content_creation_per_minute: 1_000_000,
      content_creation_per_hour: 1_000_000,
      reset_windows: true,
    });
    // The first 8 × WRITERS PUTs all conflict, so at least one writer meets 8 conflicts in a row:
    // a writer bounded by 8 attempts would lose its record. Then 30% conflicts and 5% outages.
    await world.addFaults(
      { route: CONTENTS_PUT, status: 409, count: 8 * WRITERS },
      { route: CONTENTS_PUT, status: 409, probability: 0.3 },
      { route: CONTENTS_PUT, status: 503, probability: 0.05 },
    );
    const result = join(workdir, "result.json");
    await writeFile(
      result,
      JSON.stringify({
        tool: "validate",
        version: "1.4.0",
        ok: true,
        summary: "ok",
        checks: [],
        actions: [],
      }),
    );
    const emits = Array.from({ length: WRITERS }, (_, index) =>
      run(
        process.execPath,
        [
          BIN,
          "telemetry",
          "emit",
          "--engine",
          "validate",
          "--target-repo",
          "acme/widgets",
          "--telemetry-repo",
          "acme/telemetry",
          "--correlation-id",
          `writer-${index}`,
          "--engine-ref",
          "v1.4.0",
          "--result",
          result,
          "--generated-at",
          "2026-11-21T10:00:00.000Z",
        ],
        { env: { ...process.env, GITHUB_API_URL: world.server.url, GITHUB_TOKEN: world.token } },
      ).then(
        (done) => ({ code: 0, stderr: done.stderr }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
      ),
    );
    const outcomes = await Promise.all(emits);
    await world.clearFaults();

    expect(outcomes.map((outcome) => outcome.code)).toEqual(Array(WRITERS).fill(0));
    // Writers waited and said so on stderr.
    expect(
      outcomes.some((outcome) =>
        /telemetry write waiting .* left of the 10 min deadline/.test(outcome.stderr),
      ),
    ).toBe(true);
    const stats = await world.stats();
    expect(stats.by_route[CONTENTS_PUT]["201"]).toBe(WRITERS);
    expect(stats.by_route[CONTENTS_PUT]["409"]).toBeGreaterThanOrEqual(8 * WRITERS);

    const checkout = await world.clone();
    const stored = (await files(join(checkout, "telemetry/v1/repos/acme-widgets")))
      .map((path) => path.slice(checkout.length + 1))
      .sort();
    // 0 lost, 0 duplicated: exactly the intended paths, each once.
    expect(stored).toEqual(
      Array.from(
        { length: WRITERS },
        (_, index) => `telemetry/v1/repos/acme-widgets/2026-11-21/writer-${index}/validate.json`,
      ).sort(),
    );
    for (const path of stored) {
      expect(JSON.parse(await readFile(join(checkout, path), "utf8"))).toMatchObject({
        engine_name: "validate",
      });
    }
  }, 60_000);

  it("exit 3 naming the record's path and reason, and keep its bytes in a file the job summary names", async () => {
    await world.addFaults({ route: CONTENTS_PUT, status: 409 });
    const result = join(workdir, "result-lost.json");
    await writeFile(
      result,
      JSON.stringify({
        tool: "validate",
        version: "1.4.0",
        ok: true,
        summary: "ok",
        checks: [],
        actions: [],
      }),
    );
    const summary = join(workdir, "summary.md");
    const runnerTemp = join(workdir, "runner-temp");
    const outcome = await run(
      process.execPath,
      [
        BIN,
        "telemetry",
        "emit",
        "--engine",
        "validate",
        "--target-repo",
        "acme/widgets",
        "--telemetry-repo",
        "acme/telemetry",
        "--correlation-id",
        "deadline-lost",
        "--engine-ref",
        "v1.4.0",
        "--result",
        result,
        "--generated-at",
        "2026-11-21T10:00:00.000Z",
        "--deadline",
        "300ms",
      ],
      {
        env: {
          ...process.env,
          GITHUB_API_URL: world.server.url,
          GITHUB_TOKEN: world.token,
          GITHUB_STEP_SUMMARY: summary,
          RUNNER_TEMP: runnerTemp,
        },
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
    );
    await world.clearFaults();

    const path = "telemetry/v1/repos/acme-widgets/2026-11-21/deadline-lost/validate.json";
    const kept = join(runnerTemp, "task-assistant-unwritten", path.replaceAll("/", "__"));
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toContain(`acme/telemetry:${path} was not written`);
    expect(outcome.stderr).toMatch(/HTTP 409; the next try would pass the 300 ms deadline/);
    expect(outcome.stderr).toContain(kept);
    const bytes = await readFile(kept, "utf8");
    expect(JSON.parse(bytes)).toMatchObject({ correlation_id: "deadline-lost", engine_name: "validate" });
    const markdown = await readFile(summary, "utf8");
    expect(markdown).toContain(kept);
    expect(markdown).toContain(path);
  }, 30_000);

  it("refuses a deadline that is not a duration (exit 2) before any request", async () => {
    await world.resetStats();
    const outcome = await run(
      process.execPath,
      [
        BIN,
        "telemetry",
        "emit",
        "--engine",
        "validate",
        "--target-repo",
        "acme/widgets",
        "--telemetry-repo",
        "acme/telemetry",
        "--correlation-id",
        "x-1",
        "--engine-ref",
        "v1.4.0",
        "--result",
        "none.json",
      ],
      {
        env: {
          ...process.env,
          GITHUB_API_URL: world.server.url,
          GITHUB_TOKEN: world.token,
          TASK_ASSISTANT_TELEMETRY_DEADLINE: "soon",
        },
      },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('TASK_ASSISTANT_TELEMETRY_DEADLINE "soon" is not a duration');
    expect((await world.stats()).total).toBe(0);
  });
});
