import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Engine } from "../../src/runtime/engine.js";
import { validateRecords } from "../../src/telemetry/validate-records.js";
import { readRecordsFromDir } from "../../src/telemetry/read-records.js";
import type { Clock } from "../../src/util/clock.js";
import type { TestGitHub } from "../support/local-github.js";
import { aPlan, dispatchPayload, execute, infraRegistry } from "../runtime/support/run-harness.js";
import { recordsOf, startWorld } from "../runtime/support/runtime-world.js";
import { aResult, catalogOf } from "../runtime/support/test-engines.js";
import { CONTENTS_PUT, startTelemetryWorld, type TelemetryWorld } from "./telemetry-world.js";

const run = promisify(execFile);
const BEFORE = "2026-12-05T23:59:59.900Z";
const AFTER = "2026-12-06T00:00:02.300Z";

describe("one directory per run, even across midnight (runner, one process)", () => {
  let github: TestGitHub;
  beforeAll(async () => {
    github = await startWorld();
  });
  afterAll(async () => {
    await github.stop();
  });

  it("writes preflight and an engine that ran after midnight into the run's date directory, with no extra request", async () => {
    // A pinned clock that reads 23:59:59.900 until the engine starts, then 00:00:02.300 the next day.
    let now = BEFORE;
    const clock: Clock = { now: () => new Date(now) };
    const validate: Engine & { calls: [] } = {
      calls: [],
      name: "validate",
      permissions: { contents: "read" },
      run: () => {
        now = AFTER;
        return Promise.resolve(aResult("validate"));
      },
    };
    const registry = await infraRegistry(github);
    await github.resetStats();
    const report = await execute(
      github,
      aPlan("workflow_dispatch", dispatchPayload("validate"), {
        target_repo: "acme/widgets",
        correlation_id: "556-1",
      }),
      { catalog: catalogOf(validate), registry, clock },
    );

    expect(report).toMatchObject({ ok: true, halted: false });
    const dir = "telemetry/v1/repos/acme-widgets/2026-12-05/556-1";
    expect(report.engines.map((engine) => engine.record_path)).toEqual([`${dir}/validate.json`]);
    const records = await recordsOf(github, "acme/telemetry", dir);
    expect([...records.keys()].sort()).toEqual(["preflight.json", "validate.json"]);
    // Each record keeps its own time.
    expect((JSON.parse(records.get("preflight.json")!) as { generated_at: string }).generated_at).toBe(
      BEFORE,
    );
    expect((JSON.parse(records.get("validate.json")!) as { generated_at: string }).generated_at).toBe(AFTER);
    // No request looked for the run's date: the runner knew it.
    const stats = await github.stats();
    const telemetryReads = stats.requests.filter(
      (request) => request.method === "GET" && request.route === "GET /repos/{owner}/{repo}/contents/{path}",
    );
    expect(telemetryReads.reduce((sum, request) => sum + request.count, 0)).toBe(0);
  });
});

describe("one directory per run, even across midnight (engine jobs as separate processes)", () => {
  const BIN = join(process.cwd(), "dist/cli/bin.js");
  let world: TelemetryWorld;
  let workdir: string;
  beforeAll(async () => {
    world = await startTelemetryWorld();
    workdir = await mkdtemp(join(tmpdir(), "midnight-"));
    await writeFile(
      join(workdir, "result.json"),
      JSON.stringify({ tool: "x", version: "1.4.0", ok: true, summary: "ok", checks: [], actions: [] }),
    );
  });
  afterAll(async () => {
    await world.stop();
    await rm(workdir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await world.resetStats();
  });

  const emit = (engine: string, cid: string, at: string) =>
    run(
      process.execPath,
      [
        BIN,
        "telemetry",
        "emit",
        "--engine",
        engine,
        "--target-repo",
        "acme/widgets",
        "--telemetry-repo",
        "acme/telemetry",
        "--correlation-id",
        cid,
        "--engine-ref",
        "v1.4.0",
        "--result",
        join(workdir, "result.json"),
        "--generated-at",
        at,
      ],
      { env: { ...process.env, GITHUB_API_URL: world.server.url, GITHUB_TOKEN: world.token } },
    );

  const requests = async () => {
    const stats = await world.stats();
    return Object.entries(stats.by_route)
      .map(([route, statuses]) => `${route} ${Object.keys(statuses).sort().join(",")}`)
      .sort();
  };

  it("finds the run's directory with one request and writes there; preflight needs none", async () => {
    const { stdout: first } = await emit("preflight", "556-1", BEFORE);
    expect(first).toContain("telemetry/v1/repos/acme-widgets/2026-12-05/556-1/preflight.json created");
    expect(await requests()).toEqual([`${CONTENTS_PUT} 201`]);

    await world.resetStats();
    const { stdout: second } = await emit("enforce", "556-1", AFTER);
    expect(second).toContain("telemetry/v1/repos/acme-widgets/2026-12-05/556-1/enforce.json created");
    expect(await requests()).toEqual([
      "GET /repos/{owner}/{repo}/contents/{path} 200",
      `${CONTENTS_PUT} 201`,
    ]);
    const stats = await world.stats();
    expect(stats.total).toBe(2);

    // A run that started after midnight stays on its own day (the lookup finds nothing the day before).
    await world.resetStats();
    await emit("preflight", "557-1", AFTER);
    const { stdout: third } = await emit("enforce", "557-1", AFTER);
    expect(third).toContain("telemetry/v1/repos/acme-widgets/2026-12-06/557-1/enforce.json created");

    const checkout = await world.clone();
    const report = await validateRecords(readRecordsFromDir(checkout));
    expect(report.problems).toEqual([]);
    expect(report.valid_records).toBeGreaterThanOrEqual(4);
  }, 30_000);
});
