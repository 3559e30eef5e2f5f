import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAt } from "./support/dispatcher.js";
import { fileText, readRecord, recordTree, writesDuring } from "./support/observe.js";
import { prepareHosts } from "./support/prepare.js";
import { anOrg, aWorld, maintainerToken } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Scenario 11: telemetry with holes. acme/widgets has validate runs on four consecutive days; then
 * whole correlation folders are removed with git — every run of the second day and one of the third.
 * The dashboards still build, count only what is there, and show the missing day as a gap; a
 * self-test run afterwards records its dashboard as usual.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";
const RECORDS = "telemetry/v1/repos/acme-widgets";
const RUNS = [
  { day: "2026-03-02", correlationId: "d1-morning" },
  { day: "2026-03-02", correlationId: "d1-evening" },
  { day: "2026-03-03", correlationId: "d2-morning" },
  { day: "2026-03-04", correlationId: "d3-morning" },
  { day: "2026-03-04", correlationId: "d3-evening" },
  { day: "2026-03-05", correlationId: "d4-morning" },
];
const REMOVED = [`${RECORDS}/2026-03-03/d2-morning`, `${RECORDS}/2026-03-04/d3-evening`];

interface BuildSummary {
  status: string;
  mode: string;
  published: { files: string[] } | null;
  repos: Array<{ repository: string; status: string; runs: number; records: number; failure: number }>;
}

interface RepoDashboard {
  status: string;
  metrics: { runs: number; records: number; partial_runs: number; invalid_records: number };
  coverage: {
    first_day: string;
    last_day: string;
    days_present: number;
    days_in_range: number;
    gaps: Array<{ from: string; to: string; days: number }>;
  };
}

let world: AcceptanceWorld;

beforeAll(async () => {
  world = await startWorld(aWorld([anOrg("acme")]));
  // Registered and installed; its runs below are placed on their days, so none runs today.
  await prepareHosts(world, [HOST], { materialize: false });
});
afterAll(async () => {
  await world?.stop();
});

/** `task-assistant dashboard build --repo acme/task-assistant-telemetry --json`, as the App. */
async function buildDashboards() {
  const run = await world.cli(["dashboard", "build", "--repo", TELEMETRY, "--expect", HOST, "--json"], {
    env: world.appEnv(),
  });
  return { ...run, summary: run.stdout === "" ? undefined : (JSON.parse(run.stdout) as BuildSummary) };
}

const dashboardOf = async () =>
  JSON.parse(
    await fileText(world, TELEMETRY, "telemetry/v1/dashboards/acme-widgets/dashboard.json"),
  ) as RepoDashboard;

describe("11 partial telemetry", () => {
  it("has six validate runs over four days, and complete dashboards", async () => {
    for (const run of RUNS) {
      const report = await runAt(world, {
        repo: HOST,
        mode: "validate",
        at: `${run.day}T09:30:00.000Z`,
        ...run,
      });
      expect(report.ok).toBe(true);
    }
    const build = await buildDashboards();

    expect(build.code).toBe(0);
    expect(build.summary?.repos).toEqual([
      expect.objectContaining({ repository: HOST, status: "healthy", runs: 6, records: 12 }),
    ]);
    expect((await dashboardOf()).coverage).toEqual({
      first_day: "2026-03-02",
      last_day: "2026-03-05",
      days_present: 4,
      days_in_range: 4,
      gaps: [],
    });
  });

  it("loses whole correlation folders to a git commit that removes them", async () => {
    const clone = `${world.scratch}/telemetry-clone`;
    const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${maintainerToken(world.maintainerOf("acme"))}`).toString("base64")}`;
    await world.git(
      world.scratch,
      "-c",
      `http.extraHeader=${auth}`,
      "clone",
      "-q",
      `${world.github.gitUrl}/${TELEMETRY}.git`,
      clone,
    );
    await world.git(clone, "rm", "-r", "-q", ...REMOVED);
    await world.git(clone, "commit", "-q", "-m", "Remove two correlation folders");
    await world.git(clone, "-c", `http.extraHeader=${auth}`, "push", "-q", "origin", "HEAD:main");

    const tree = await recordTree(world, TELEMETRY);
    expect(tree.filter((path) => REMOVED.some((folder) => path.startsWith(`${folder}/`)))).toEqual([]);
    expect(tree).toHaveLength(8);
  });

  it("still builds the dashboards, which count what is left and show the missing day as a gap", async () => {
    const rawBefore = await recordTree(world, TELEMETRY);
    const { result: build, writes } = await writesDuring(world, () => buildDashboards());

    expect(build.stderr).toBe("");
    expect(build.code).toBe(0);
    expect(build.summary).toMatchObject({
      status: "healthy",
      repos: [{ repository: HOST, status: "healthy", runs: 4, records: 8, failure: 0 }],
    });
    const dashboard = await dashboardOf();
    expect(dashboard).toMatchObject({
      status: "healthy",
      metrics: { runs: 4, records: 8, partial_runs: 0, invalid_records: 0 },
    });
    expect(dashboard.coverage).toEqual({
      first_day: "2026-03-02",
      last_day: "2026-03-05",
      days_present: 3,
      days_in_range: 4,
      gaps: [{ from: "2026-03-03", to: "2026-03-03", days: 1 }],
    });
    expect(await fileText(world, TELEMETRY, "telemetry/v1/dashboards/index.html")).toContain(
      "<strong>Gaps:</strong> 1 period(s) without telemetry: 2026-03-03",
    );
    // Published in one push under telemetry/v1/dashboards/; the raw records are as they were.
    expect(writes).toEqual(["git push ×1"]);
    expect(build.summary?.published?.files.every((file) => file.startsWith("telemetry/v1/dashboards/"))).toBe(
      true,
    );
    expect(await recordTree(world, TELEMETRY)).toEqual(rawBefore);
  });

  it("records a self-test's dashboard run afterwards as usual", async () => {
    const report = await runAt(world, {
      repo: HOST,
      mode: "self-test",
      correlationId: "test-partial-recovery",
      at: "2026-03-06T08:00:00.000Z",
    });

    expect(report.ok).toBe(true);
    expect(report.engines.map((engine) => [engine.engine, engine.ok])).toEqual([
      ["self-test", true],
      ["dashboard", true],
    ]);
    const record = await readRecord(
      world,
      TELEMETRY,
      `${RECORDS}/2026-03-06/test-partial-recovery/dashboard.json`,
    );
    expect(record).toMatchObject({
      ok: true,
      engine_name: "dashboard",
      correlation_id: "test-partial-recovery",
    });
    expect((await dashboardOf()).coverage.gaps).toEqual([{ from: "2026-03-03", to: "2026-03-03", days: 1 }]);
  });
});
