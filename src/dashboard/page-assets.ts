/**
 * The dashboard page's inline style and script. Colours meet WCAG AA contrast on their backgrounds
 * (text ≥ 4.5:1); status is always spelled out, never shown by colour alone. The script only adds a
 * filter box to the overview table; without it the page is complete.
 */

export const PAGE_STYLE = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--panel:#f6f8fa;--accent:#0a59c2;
--ok-bg:#dcf3e3;--ok-fg:#135c2a;--bad-bg:#fde2e1;--bad-fg:#9b1c1c;--none-bg:#eaeef2;--none-fg:#3d444d}
*{box-sizing:border-box}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0 auto;max-width:1180px;padding:0 20px 40px}
a{color:var(--accent)}
a:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:12px;top:12px;background:#fff;padding:6px 10px;z-index:1}
header{padding:24px 0 8px;border-bottom:1px solid var(--line);margin-bottom:20px}
h1{margin:0 0 4px;font-size:1.7rem}h2{font-size:1.3rem;margin:0 0 8px}h3{font-size:1.02rem;margin:22px 0 8px}
.muted{color:var(--muted);font-weight:400}.meta{margin:0;color:var(--muted)}.small{font-size:.82rem;color:var(--muted)}
.summary{margin:8px 0}
code{font:0.86em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:4px}
code.path{word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:0 0 24px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 16px}
.card .value{font-size:1.6rem;font-weight:650;font-variant-numeric:tabular-nums}.card .label{color:var(--muted)}
.card .note{font-size:.82rem;color:var(--muted);margin-top:2px}
section{margin:0 0 28px}
.repo{border:1px solid var(--line);border-radius:12px;padding:18px 20px;background:#fff}
.section-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}
.filter input{font:inherit;padding:4px 8px;border:1px solid #8c959f;border-radius:6px;margin-left:6px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding:0 0 6px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--panel);font-weight:600;font-size:.88rem}
tbody tr:hover{background:#f3f6fa}
.num{text-align:right}
.status{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.8rem;font-weight:600;white-space:nowrap;vertical-align:middle;border:1px solid transparent}
.status-healthy{background:var(--ok-bg);color:var(--ok-fg);border-color:#9fd8b0}
.status-no-telemetry{background:var(--none-bg);color:var(--none-fg);border-color:#c3cbd3}
.status-failing{background:var(--bad-bg);color:var(--bad-fg);border-color:#f2a8a6}
.status-invalid-telemetry{background:#fff4d6;color:#6b4a00;border-color:#e8cf86}
.health{margin:4px 0;font-size:.9rem}
.no-match{background:var(--panel);border:1px dashed var(--line);border-radius:8px;padding:12px 16px}
.ok{color:var(--ok-fg);font-weight:600}.bad{color:var(--bad-fg);font-weight:600}
dl.facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px 16px;margin:12px 0}
dl.facts div{background:var(--panel);border-radius:8px;padding:8px 12px}
dt{font-size:.8rem;color:var(--muted)}dd{margin:0;font-weight:600}
.gaps{background:#fff8e1;border:1px solid #e8d48a;border-radius:8px;padding:8px 12px;color:#5c4400}
.charts{display:grid;grid-template-columns:1fr;gap:16px;margin-top:16px}
figure{margin:0}.chart-box{border:1px solid var(--line);border-radius:10px;padding:12px 14px}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{width:100%;height:auto;display:block}
svg .axis{stroke:#57606a;stroke-width:1}svg .grid{stroke:#d0d7de;stroke-width:1;stroke-dasharray:3 3}svg .tick{font-size:11px;fill:#57606a}svg .tick.fail{fill:#9b1c1c}
svg .gap{fill:#eceff3}
.legend{list-style:none;padding:0;margin:4px 0 6px;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.85rem}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
.swatch.hatch{background:repeating-linear-gradient(45deg,#57606a 0 3px,#fff 3px 6px);border:1px solid #57606a}
.swatch.gap{background:#eceff3;border:1px solid #c3cbd3}
details{margin-top:6px}summary{cursor:pointer;color:var(--accent);font-size:.88rem}
.problems{padding-left:20px}.problems li{margin:2px 0}
.top{margin:16px 0 0;font-size:.88rem}
footer{margin-top:32px;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:12px}
@media print{.filter,.skip,.top{display:none}.repo{break-inside:avoid}}
`;

export const PAGE_SCRIPT = `
(function () {
  var input = document.getElementById("repo-filter");
  if (!input) return;
  var none = document.getElementById("filter-none");
  input.parentNode.hidden = false;
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase();
    var items = document.querySelectorAll("table.overview tbody tr, section.repo");
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var text = (items[i].getAttribute("data-repo") + " " + items[i].getAttribute("data-status")).toLowerCase();
      items[i].hidden = needle !== "" && text.indexOf(needle) === -1;
      if (!items[i].hidden && items[i].tagName === "SECTION") shown++;
    }
    if (none) none.hidden = needle === "" || shown > 0;
  });
})();
`;

/**
 * The SHA-256 of `PAGE_SCRIPT` (base64), named in the page's Content-Security-Policy so that this
 * script, and no other, may run: even a record that slipped past escaping could not execute. A test
 * recomputes it, so editing the script without updating this fails loudly.
 */
export const PAGE_SCRIPT_SHA256 = "vDf/6zHks+qk7wNpM87QE7ltpy+vzFhXfphG1KUB2pY=";
