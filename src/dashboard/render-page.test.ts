import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aRecord, type RecordSpec } from "../../test/dashboard/a-record.js";
import { createReducer } from "./create-reducer.js";
import { PAGE_SCRIPT, PAGE_SCRIPT_SHA256 } from "./page-assets.js";
import { renderDashboardPage } from "./render-page.js";

function pageFor(specs: RecordSpec[], expectedRepos: string[] = [], webUrl: string | null = null) {
  const reducer = createReducer({ owner: "acme" });
  for (const spec of specs) {
    const { path, record } = aRecord(spec);
    reducer.add(path, record);
  }
  const set = reducer.result({
    generatedAt: "2026-11-22T08:30:00.000Z",
    telemetryRepo: "acme/telemetry",
    telemetryCommit: "0123456789abcdef0123456789abcdef01234567",
    expectedRepos,
    webUrl,
  });
  return { set, html: renderDashboardPage(set) };
}

describe("the dashboard page", () => {
  it("is one self-contained document that may not reach the network", () => {
    const { html } = pageFor([{ cid: "1-1" }]);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const scriptHash = createHash("sha256").update(PAGE_SCRIPT).digest("base64");
    expect(PAGE_SCRIPT_SHA256).toBe(scriptHash);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:"`,
    );
    expect(html).toContain(`<script>${PAGE_SCRIPT}</script>`);
    expect(html).not.toMatch(/\bsrc="/);
    expect(html).not.toMatch(/<link\b/);
    // Web links are navigation the reader chooses, never loads: only anchors may point away.
    const linked = pageFor([{ cid: "1-1" }], [], "https://github.com").html;
    expect(linked).toContain('href="https://github.com/');
    expect(linked.match(/\b\w+="https?:\/\//g)?.every((match) => match === 'href="https://')).toBe(true);
  });

  it("escapes everything that comes from records", () => {
    const hostile = `<img src=x onerror="alert(1)"> & 'quotes'`;
    const { html } = pageFor([
      { engine: "enforce", cid: "1-1", ok: false, reason: hostile, ref: "v1.0.0-<b>" },
    ]);
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;");
  });

  it("shows the overview row, the charts with labels, and recent failures with correlation ids and paths", () => {
    const { html } = pageFor(
      [
        { engine: "preflight", cid: "7-1", at: "2026-11-20T10:00:00.000Z" },
        { engine: "enforce", cid: "7-1", at: "2026-11-20T10:00:01.000Z", ok: false, reason: "issue locked" },
        {
          engine: "enforce",
          cid: "8-1",
          at: "2026-11-21T10:00:00.000Z",
          actions: [{ id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] }],
        },
      ],
      ["acme/quiet"],
    );
    expect(html).toContain('<a href="#repo-acme_widgets">acme/widgets</a>');
    expect(html).toContain('<span class="status status-no-telemetry">no telemetry</span>');
    expect(html).toContain(
      '<title id="repo-acme_widgets-runs-title">Records per day by engine for acme/widgets</title>',
    );
    expect(html).toContain("<title>2026-11-20 · enforce: 1 failed</title>");
    expect(html).toContain("<title>2026-11-21: 1 labels removed</title>");
    expect(html).toContain("<code>7-1</code>");
    expect(html).toContain("telemetry/v1/repos/acme-widgets/2026-11-20/7-1/enforce.json");
  });

  it("shows configuration validation over time, day by day", () => {
    const { html } = pageFor([
      {
        engine: "validate",
        cid: "v-1",
        at: "2026-11-20T10:00:00.000Z",
        checks: [{ id: "a", outcome: "PASS" }],
      },
      {
        engine: "validate",
        cid: "v-2",
        at: "2026-11-21T10:00:00.000Z",
        ok: false,
        checks: [
          { id: "a", outcome: "WARN" },
          { id: "b", outcome: "FAIL" },
        ],
      },
    ]);
    expect(html).toContain(
      '<h3>Configuration validation over time</h3><p><span class="bad">✗ failed</span> on 1 of 2 day(s) with validate runs (latest 2026-11-21).</p>',
    );
    expect(html).toContain(
      '<tr><th scope="row">2026-11-20</th><td><span class="ok">✓ valid</span></td><td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">0</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">2026-11-21</th><td><span class="bad">✗ failed</span></td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">1</td><td class="num">1</td></tr>',
    );
  });

  it("links the telemetry commit, every record file and every issue on the web host", () => {
    const commit = "0123456789abcdef0123456789abcdef01234567";
    const { html } = pageFor(
      [
        { engine: "enforce", cid: "7-1", at: "2026-11-20T10:00:00.000Z", ok: false, reason: "locked" },
        {
          engine: "enforce",
          cid: "8-1",
          at: "2026-11-21T10:00:00.000Z",
          extra: {
            changes: [
              {
                number: 12,
                before: { labels: ["track/sprint", "track/backlog"], milestone: null },
                after: { labels: ["track/sprint"], milestone: "Phase 2" },
                rules: ["track.labels.pruned"],
              },
            ],
            changes_total: 1,
          },
        },
      ],
      [],
      "https://ghe.example",
    );
    const failed = "telemetry/v1/repos/acme-widgets/2026-11-20/7-1/enforce.json";
    expect(html).toContain(
      `<a href="https://ghe.example/acme/telemetry/commit/${commit}" rel="noreferrer"><code>0123456789ab</code></a>`,
    );
    expect(html).toContain(
      `<a href="https://ghe.example/acme/telemetry/blob/${commit}/${failed}" rel="noreferrer"><code class="path">${failed}</code></a>`,
    );
    expect(html).toContain('<a href="https://ghe.example/acme/widgets/issues/12" rel="noreferrer">#12</a>');
    expect(html).toContain(
      '<code>track/sprint</code> <code>track/backlog</code> <span class="small">milestone none</span> → <code>track/sprint</code> <span class="small">milestone Phase 2</span>',
    );
    // Without a web host the same facts are plain text.
    const plain = pageFor([{ engine: "enforce", cid: "7-1", ok: false, reason: "locked" }]).html;
    expect(plain).not.toContain('<a href="http');
    expect(plain).toContain(
      `<code class="path">telemetry/v1/repos/acme-widgets/2026-11-21/7-1/enforce.json</code>`,
    );
  });

  it("shows failing runs apart from record validity, the registry context or unknown, and warnings by code", () => {
    const { html } = pageFor([
      {
        engine: "preflight",
        cid: "1-1",
        extra: {
          registry: {
            outcome: "ELIGIBLE",
            registry_sha: "abc",
            source: "file",
            context: "production",
            state: "enabled",
          },
        },
      },
      {
        engine: "enforce",
        cid: "1-1",
        ok: false,
        reason: "issue locked",
        checks: [{ id: "track.exclusive.violation", outcome: "WARN" }],
        extra: { issue: { number: 5 } },
      },
      { repo: "acme/gadgets", engine: "validate", cid: "2-1" },
    ]);
    const widgets = html.slice(html.indexOf('<section class="repo" id="repo-acme_widgets"'));
    const gadgets = html.slice(
      html.indexOf('<section class="repo" id="repo-acme_gadgets"'),
      html.indexOf('<section class="repo" id="repo-acme_widgets"'),
    );
    expect(widgets).toContain('<span class="status status-failing">failing</span>');
    expect(widgets).toContain(
      '<p class="health"><span class="bad">✗ runs failing</span> (enforce) · <span class="ok">✓ records valid</span></p>',
    );
    expect(widgets).toContain('<dd>production · enabled<div class="small">ELIGIBLE · seen');
    expect(widgets).toContain(
      '<tr><th scope="row"><code>track.exclusive.violation</code></th><td class="num">1</td><td>enforce</td>',
    );
    expect(widgets).toContain("<td>#5</td></tr>");
    expect(gadgets).toContain(
      '<dd><span class="muted">unknown</span> · <span class="muted">unknown</span><div class="small">no preflight record says</div></dd>',
    );
    expect(gadgets).toContain('<p class="muted">No warnings.</p>');
    expect(gadgets).toContain('<p class="muted">No issue changed by enforce or reconcile.</p>');
  });

  it("zooms the charts to the days with data and never draws a negative or 0 … 0 axis", () => {
    const { html } = pageFor([
      { engine: "enforce", cid: "1-1", at: "2026-11-20T10:00:00.000Z", ok: false, reason: "locked" },
      { engine: "enforce", cid: "2-1", at: "2026-11-21T10:00:00.000Z", ok: false, reason: "locked" },
      { engine: "enforce", cid: "3-1", at: "2026-11-21T11:00:00.000Z", ok: false, reason: "locked" },
    ]);
    const chart = html.slice(html.indexOf('<svg class="chart"'), html.indexOf("</svg>"));
    expect(chart).toContain("over 2 day(s) from 2026-11-20 to 2026-11-21");
    const ticks = [...chart.matchAll(/<text class="tick"[^>]*text-anchor="end">([^<]*)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(ticks).toEqual(["0", "1", "2"]);
    expect(chart).not.toContain("−");
    // Every run failed, so no enforcement happened: no empty enforcement chart either.
    expect(html).not.toContain("Enforcement actions per day for acme/widgets");
    expect(html).toContain('<p class="muted">No enforcement actions in this period.</p>');
  });

  it("renders the same bytes for the same dashboards", () => {
    const specs = [{ cid: "1-1" }, { cid: "2-1", engine: "validate" }];
    expect(pageFor(specs).html).toBe(pageFor([...specs].reverse()).html);
  });
});
