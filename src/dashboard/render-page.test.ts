import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { aRecord, type RecordSpec } from "../../test/dashboard/a-record.js";
import { createReducer } from "./create-reducer.js";
import { PAGE_SCRIPT, PAGE_SCRIPT_SHA256 } from "./page-assets.js";
import { renderDashboardPage } from "./render-page.js";

function pageFor(specs: RecordSpec[], expectedRepos: string[] = []) {
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
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).not.toMatch(/<link\b/);
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

  it("renders the same bytes for the same dashboards", () => {
    const specs = [{ cid: "1-1" }, { cid: "2-1", engine: "validate" }];
    expect(pageFor(specs).html).toBe(pageFor([...specs].reverse()).html);
  });
});
