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

/**
 * Six weeks of runs for two repositories, with failures, enforcement, changes, warnings and a gap;
 * the newest runs succeed, so the org is healthy.
 */
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
        specs.push({
          repo,
          cid,
          at,
          engine: "preflight",
          ref: day < 30 ? "v1.4.0" : "v1.5.0",
          extra: {
            registry: {
              outcome: "ELIGIBLE",
              registry_sha: "5e1f00d",
              source: "acme/task-assistant-infra",
              context: repo === "acme/widgets" ? "production" : "sandbox",
              state: "enabled",
            },
          },
        });
        const fails = day < 40 && (day * 7 + run) % 9 === 0;
        const enforcing = run % 2 === 0 && !fails;
        specs.push({
          repo,
          cid,
          at: `${date}T${String(8 + run).padStart(2, "0")}:00:01.000Z`,
          engine: run % 2 === 0 ? "enforce" : "validate",
          ok: !fails,
          reason: fails ? `issue #${day} is locked <for editing>` : undefined,
          ref: day < 30 ? "v1.4.0" : "v1.5.0",
          actions: enforcing
            ? [
                { id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] },
                { id: "issue.milestone.set", from: null, to: "Phase 2", reason: "phase-2" },
              ]
            : [],
          checks: day % 5 === 0 ? [{ id: "track.exclusive.violation", outcome: "WARN" }] : [],
          extra: enforcing
            ? {
                issue: { number: 100 + day },
                changes: [
                  {
                    number: 100 + day,
                    before: { labels: ["phase-1", "phase-2"], milestone: null },
                    after: { labels: ["phase-2"], milestone: "Phase 2" },
                    rules: ["phase.labels.pruned", "issue.milestone.set"],
                  },
                ],
                changes_total: 1,
              }
            : run % 2 === 0
              ? { issue: { number: 100 + day } }
              : {},
        });
      }
    }
  }
  return specs;
}

/** An org whose runs fail: every run of the last three days failed, warnings, an invalid file. */
function failingTelemetry(): RecordSpec[] {
  const specs: RecordSpec[] = [];
  for (const [i, date] of ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"].entries()) {
    const cid = `b${i}-1`;
    const failed = i > 0;
    specs.push(
      { repo: "bolt/engine", cid, at: `${date}T09:00:00.000Z`, engine: "preflight" },
      {
        repo: "bolt/engine",
        cid,
        at: `${date}T09:00:01.000Z`,
        engine: "enforce",
        ok: !failed,
        reason: failed
          ? "issue #7 could not be updated: 403 Resource not accessible by integration"
          : undefined,
        checks: [{ id: "track.exclusive.violation", outcome: "WARN" }],
        extra: { issue: { number: 7 } },
      },
      // A repository whose every run failed: its chart has no successes at all.
      {
        repo: "bolt/pump",
        cid: `p${i}-1`,
        at: `${date}T10:00:00.000Z`,
        engine: "preflight",
        ok: false,
        reason: "registry.resolve: NOT_ELIGIBLE: the repository is disabled",
        extra: {
          registry: {
            outcome: "NOT_ELIGIBLE",
            registry_sha: "77aa01",
            source: "bolt/task-assistant-infra",
            context: "production",
            state: "disabled",
          },
        },
      },
    );
  }
  return specs;
}

interface OrgPage {
  set: DashboardSet;
  path: string;
}

let browser: Browser;
let set: DashboardSet;
let failing: OrgPage;
let empty: OrgPage;
let dir: string;
let server: Awaited<ReturnType<typeof serveDirectory>>;

function urlOf(path: string): string {
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/${path}`;
}

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
    webUrl: "https://github.com",
  });
  const bolt = createReducer({ owner: "bolt" });
  for (const spec of failingTelemetry()) {
    const { path, record } = aRecord(spec);
    bolt.add(path, record);
  }
  bolt.add("telemetry/v1/repos/bolt-engine/2026-11-21/b3-1/validate.json", {
    problems: [{ path: "", message: "the file is not valid JSON" }],
  });
  const result = (reducer: ReturnType<typeof createReducer>, owner: string) =>
    reducer.result({
      generatedAt: "2026-11-22T08:30:00.000Z",
      telemetryRepo: `${owner}/telemetry`,
      telemetryCommit: "89abcdef0123456789abcdef0123456789abcdef",
      webUrl: "https://github.com",
    });
  failing = { set: result(bolt, "bolt"), path: "bolt/index.html" };
  empty = { set: result(createReducer({ owner: "calm" }), "calm"), path: "calm/index.html" };
  dir = await mkdtemp(join(tmpdir(), "dashboard-page-"));
  await writeFile(join(dir, "index.html"), renderDashboardPage(set));
  for (const org of [failing, empty]) {
    await mkdir(join(dir, org.path, ".."), { recursive: true });
    await writeFile(join(dir, org.path), renderDashboardPage(org.set));
  }
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
      expect(cells[2]).toBe(
        row.registry.context === null
          ? "unknown · unknown"
          : `${row.registry.context} · ${row.registry.state}`,
      );
      expect(cells[3].split("\n")[0]).toBe(formatCount(row.runs));
      expect(cells[4]).toBe(formatCount(row.records));
      expect(cells[5].split("\n")[0]).toBe(formatCount(row.failure));
      expect(cells[6]).toBe(formatCount(row.changes_total));
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

    // The filter box works once scripts run: it hides rows and sections, and says when none match.
    const sections = page.locator("section.repo");
    const noMatch = page.locator("#filter-none");
    await page.locator("#repo-filter").fill("gadg");
    expect(await rows.filter({ visible: true }).count()).toBe(1);
    expect(await sections.filter({ visible: true }).allInnerTexts()).toHaveLength(1);
    expect(await sections.filter({ visible: true }).locator("h2").innerText()).toContain("acme/gadgets");
    expect(await noMatch.isVisible()).toBe(false);
    await page.locator("#repo-filter").fill("zzz");
    expect(await rows.filter({ visible: true }).count()).toBe(0);
    expect(await sections.filter({ visible: true }).count()).toBe(0);
    expect(await noMatch.innerText()).toBe("No repository matches the filter.");
    await page.locator("#repo-filter").fill("");
    expect(await sections.filter({ visible: true }).count()).toBe(set.repos.length);
    expect(await noMatch.isVisible()).toBe(false);

    // Healthy runs, the registry's answer, recent changes linked to their issues, warnings.
    expect(await page.locator('tr[data-repo="acme/widgets"] td').first().innerText()).toBe(
      "healthy\n✓ runs succeeding · ✓ records valid",
    );
    expect(await section.locator("h2 .status").innerText()).toBe("healthy");
    expect(await section.locator(".health").innerText()).toBe("✓ runs succeeding · ✓ records valid");
    expect(await section.locator("dl.facts dd").first().innerText()).toMatch(
      /^production · enabled\nELIGIBLE · seen /,
    );
    const changes = section.locator("table.changes tbody tr");
    expect(await changes.count()).toBe(Math.min(10, widgets.changes.recent.length));
    const newest = widgets.changes.recent[0];
    expect(await changes.first().locator("a").first().getAttribute("href")).toBe(
      `https://github.com/acme/widgets/issues/${newest.number}`,
    );
    expect(await changes.first().locator("td").nth(2).innerText()).toBe(
      "phase-1 phase-2 milestone none → phase-2 milestone Phase 2",
    );
    expect(await section.locator("table.warnings tbody th").allInnerTexts()).toEqual([
      "track.exclusive.violation",
    ]);

    expect(requests).toEqual([url]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-healthy.png"), fullPage: true });
    await writeFile(join(ARTIFACTS, "dashboard-healthy.html"), renderDashboardPage(set));
    await page.close();
  });

  it("shows a failing org as failing, with every-run-failed charts on a positive axis", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(urlOf(failing.path));
    expect(await page.locator("header .summary .status").innerText()).toBe("failing");
    const statuses = await page.locator("table.overview tbody tr td:first-of-type .status").allInnerTexts();
    expect(statuses).toEqual(["failing", "failing"]);
    const engine = page.locator("#repo-bolt_engine");
    expect(await engine.locator(".health").innerText()).toBe("✗ runs failing (enforce) · ✗ invalid records");
    const pump = page.locator("#repo-bolt_pump");
    expect(await pump.locator("dl.facts dd").first().innerText()).toMatch(
      /^production · disabled\nNOT_ELIGIBLE/,
    );
    const ticks = await pump
      .locator("svg.chart")
      .first()
      .locator("text.tick[text-anchor=end]")
      .allTextContents();
    expect(ticks).toEqual(["0", "1"]);
    expect(await pump.locator("svg.chart").count()).toBe(1);
    expect(await engine.locator("table.warnings tbody td").first().innerText()).toBe("4");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-failing.png"), fullPage: true });
    await page.close();
  });

  it("shows an org without telemetry as such, and the filter says nothing matches", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(urlOf(empty.path));
    expect(await page.locator("header .summary").innerText()).toBe(
      "no telemetry No repositories with telemetry.",
    );
    expect(await page.locator("#overview p.muted").innerText()).toBe("No repositories have telemetry yet.");
    await page.locator("#repo-filter").fill("anything");
    expect(await page.locator("#filter-none").isVisible()).toBe(true);
    await page.locator("#repo-filter").fill("");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-empty.png"), fullPage: true });
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
