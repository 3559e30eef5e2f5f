import { describe, expect, it } from "vitest";
import { aRecord, type RecordSpec } from "../../test/dashboard/a-record.js";
import { canonicalJson } from "../util/canonical-json.js";
import { createReducer } from "./create-reducer.js";
import { readOrgIndex, renderOrgDirectory } from "./render-org-directory.js";

function indexOf(owner: string, specs: RecordSpec[]) {
  const reducer = createReducer({ owner });
  for (const spec of specs) {
    const { path, record } = aRecord(spec);
    reducer.add(path, record);
  }
  return reducer.result({
    generatedAt: "2026-11-22T08:30:00.000Z",
    telemetryRepo: `${owner}/telemetry`,
    telemetryCommit: null,
  }).index;
}

describe("the org directory page", () => {
  const acme = indexOf("acme", [
    { repo: "acme/widgets", cid: "1-1", at: "2026-11-20T08:00:00.000Z" },
    { repo: "acme/widgets", cid: "1-1", at: "2026-11-20T08:00:01.000Z", engine: "enforce" },
  ]);
  const bolt = indexOf("bolt", [
    { repo: "bolt/engine", cid: "2-1", at: "2026-11-21T09:00:00.000Z" },
    { repo: "bolt/engine", cid: "2-1", at: "2026-11-21T09:00:01.000Z", engine: "enforce", ok: false },
    { repo: "bolt/pump", cid: "3-1", at: "2026-11-21T10:00:00.000Z" },
  ]);

  it("shows each org's status, counts, last run and failing repositories, linked to the org's page", () => {
    const html = renderOrgDirectory([
      { owner: "acme", href: "/acme/", index: acme },
      { owner: "bolt", href: "/bolt/", index: bolt },
      { owner: "calm", href: "/calm/", index: { missing: "no dashboards published yet" } },
      { owner: "dusk", href: "/dusk/", index: { missing: "<b>not</b> published" } },
    ]);
    expect(html).toContain(
      '<tr data-org="acme" data-status="healthy"><th scope="row"><a href="/acme/">acme</a></th><td><span class="status status-healthy">healthy</span></td><td class="num">1<div class="small">1 healthy</div></td><td class="num">1</td><td class="num">0 / 2</td><td><time datetime="2026-11-20T08:00:01.000Z">2026-11-20 08:00</time></td><td><span class="muted">none</span></td></tr>',
    );
    expect(html).toContain('<span class="status status-failing">failing</span>');
    expect(html).toContain(
      '<a href="/bolt/#repo-bolt_engine">bolt/engine</a> <span class="small">(failing: enforce)</span>',
    );
    expect(html).toContain('<td class="num"><strong>1</strong> / 3</td>');
    expect(html).toContain('<td colspan="6" class="muted">no dashboards published yet</td>');
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;b&gt;not&lt;/b&gt; published");
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/);
  });

  it("reads a published index, and says why when it cannot", () => {
    expect(readOrgIndex(canonicalJson(acme))).toEqual(JSON.parse(canonicalJson(acme)));
    expect(readOrgIndex("{")).toEqual({ missing: "the published index.json is not JSON" });
    expect(readOrgIndex('{"kind":"repo"}')).toEqual({
      missing: "the published index.json is not a dashboard index",
    });
    const older = JSON.parse(canonicalJson(bolt)) as { repos: Record<string, unknown>[] };
    for (const row of older.repos) delete row.health;
    expect(readOrgIndex(JSON.stringify(older))).toEqual({
      missing: "the published index.json was built by an older version; rebuild the dashboards",
    });
  });
});
