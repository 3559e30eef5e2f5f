import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReducer } from "../../src/dashboard/create-reducer.js";
import { formatCount } from "../../src/dashboard/format-count.js";
import type { DashboardSet } from "../../src/dashboard/dashboard-types.js";
import { renderDashboardPage } from "../../src/dashboard/render-page.js";
import { serveDirectory } from "../../src/cli/dashboard/serve.js";
import { aRecord, type RecordSpec } from "./a-record.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = resolve(import.meta.dirname, "../../test-artifacts");

/** Six weeks of runs for two repositories, with failures, enforcement and a gap. */
function telemetry(): RecordSpec[] {
  const specs: RecordSpec[] = [];
  for (let day = 0; day < 42; day += 1) {
    if (day === 20 || day === 21) continue;
    const date = new Date(Date.parse("2026-10-10T00:00:00Z") + day * 86_400_000).toISOString().slice(0, 10);
    for (const [repo, runs] of [
      ["acme/widgets", 1 + (day % 4)],
      ["acme/gadgets", 1 + (day % 2)],
    ] as const) {
      for (let run = 0; run < runs; run += 1) {
        const cid = `${repo.slice(5, 6)}${day}-${run}`;
        const at = `${date}T${String(8 + run).padStart(2, "0")}:00:00.000Z`;
        specs.push({ repo, cid, at, engine: "preflight", ref: day < 30 ? "v1.4.0" : "v1.5.0" });
        const fails = (day * 7 + run) % 9 === 0;
        specs.push({
          repo,
          cid,
          at: `${date}T${String(8 + run).padStart(2, "0")}:00:01.000Z`,
          engine: run % 2 === 0 ? "enforce" : "validate",
          ok: !fails,
          reason: fails ? `issue #${day} is locked <for editing>` : undefined,
          ref: day < 30 ? "v1.4.0" : "v1.5.0",
          actions:
            run % 2 === 0 && !fails
              ? [
                  { id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] },
                  { id: "issue.milestone.set", from: null, to: "Phase 2", reason: "phase-2" },
                ]
              : [],
        });
      }
    }
  }
  return specs;
}

let browser: Browser;
let set: DashboardSet;
let dir: string;
let server: Awaited<ReturnType<typeof serveDirectory>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser test needs Debian's chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (CI does)`,
    );
  }
  const reducer = createReducer({ owner: "acme" });
  for (const spec of telemetry()) {
    const { path, record } = aRecord(spec);
    reducer.add(path, record);
  }
  reducer.add("telemetry/v1/repos/acme-gadgets/2026-11-01/x9-1/enforce.json", {
    problems: [{ path: "", message: "the file is not valid JSON: <script>alert(1)</script>" }],
  });
  set = reducer.result({
    generatedAt: "2026-11-22T08:30:00.000Z",
    telemetryRepo: "acme/telemetry",
    telemetryCommit: "0123456789abcdef0123456789abcdef01234567",
    expectedRepos: ["acme/quiet"],
  });
  dir = await mkdtemp(join(tmpdir(), "dashboard-page-"));
  await writeFile(join(dir, "index.html"), renderDashboardPage(set));
  server = await serveDirectory(dir, 0);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the dashboard page in a browser", () => {
  it("shows the overview, charts and failures the reducer computed, and makes no network request", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
    await page.goto(url);

    expect(await page.title()).toBe("Task Assistant dashboards · acme");
    const rows = page.locator("table.overview tbody tr");
    expect(await rows.count()).toBe(set.index.repos.length);
    for (const [i, row] of set.index.repos.entries()) {
      const cells = await rows.nth(i).locator("th, td").allInnerTexts();
      expect(cells[0]).toBe(row.repository);
      expect(cells[2]).toBe(formatCount(row.runs));
      expect(cells[3]).toBe(formatCount(row.records));
      expect(cells[4].split("\n")[0]).toBe(formatCount(row.failure));
    }
    expect(await page.locator(".card .value").first().innerText()).toBe(String(set.index.totals.repos));

    const widgets = set.repos.find((repo) => repo.repository === "acme/widgets")!;
    const section = page.locator("#repo-acme_widgets");
    expect(await section.locator("svg.chart").count()).toBe(2);
    expect(await section.locator("svg.chart title").first().textContent()).toBe(
      "Records per day by engine for acme/widgets",
    );
    const failures = section.locator("table.failures tbody tr");
    expect(await failures.count()).toBe(Math.min(10, widgets.recent_failures.length));
    const firstFailure = await failures.first().locator("td").allInnerTexts();
    expect(firstFailure[2]).toBe(widgets.recent_failures[0].correlation_id);
    expect(firstFailure[4]).toBe(widgets.recent_failures[0].path);
    expect(firstFailure[3]).toContain("<for editing>");

    // Text from records stays text: no script element came from the invalid file's message.
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator("#repo-acme_gadgets .problems").innerText()).toContain(
      "<script>alert(1)</script>",
    );

    // The filter box works once scripts run, and hides rows by name.
    await page.locator("#repo-filter").fill("gadg");
    expect(await rows.filter({ visible: true }).count()).toBe(1);
    await page.locator("#repo-filter").fill("");

    expect(requests).toEqual([url]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-page.png"), fullPage: true });
    await page.close();
  });

  it("keeps every table readable with JavaScript off", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`file://${join(dir, "index.html")}`);
    expect(await page.locator("table.overview tbody tr").count()).toBe(set.index.repos.length);
    expect(await page.locator("#repo-acme_widgets table.engines tbody tr").count()).toBe(
      Object.keys(set.repos.find((repo) => repo.repository === "acme/widgets")!.engines).length,
    );
    await context.close();
  });
});
