import type { DashboardStatus, OrgIndex } from "./dashboard-types.js";
import { anchorId, escapeHtml as e } from "./escape-html.js";
import { formatCount } from "./format-count.js";
import { PAGE_STYLE } from "./page-assets.js";

/** One org on the directory page: its published `index.json` (parsed), or why there is none. */
export interface OrgDirectoryEntry {
  owner: string;
  /** Where the org's own page is (e.g. `/acme/`). */
  href: string;
  index: OrgIndex | { missing: string };
}

const STATUS_LABEL: Record<DashboardStatus, string> = {
  healthy: "healthy",
  failing: "failing",
  "no-telemetry": "no telemetry",
  "invalid-telemetry": "invalid telemetry",
};

/**
 * The page that lists several orgs' dashboards: per org its status, repository counts by status,
 * runs, failed records, invalid files, the newest run, which repositories fail, and a link to the
 * org's page. Self-contained (no script); everything from the indexes is escaped. Pure.
 */
export function renderOrgDirectory(entries: readonly OrgDirectoryEntry[]): string {
  const rows = entries.map(({ owner, href, index }) => {
    const name = `<th scope="row"><a href="${e(href)}">${e(owner)}</a></th>`;
    if ("missing" in index) {
      return `<tr data-org="${e(owner)}">${name}<td colspan="6" class="muted">${e(index.missing)}</td></tr>`;
    }
    const t = index.totals;
    const byStatus = (Object.keys(STATUS_LABEL) as DashboardStatus[])
      .filter((status) => (t.by_status[status] ?? 0) > 0)
      .map((status) => `${t.by_status[status]} ${STATUS_LABEL[status]}`)
      .join(" · ");
    const failing = index.repos.filter(
      (row) => row.status === "failing" || row.status === "invalid-telemetry",
    );
    const failingList = failing
      .slice(0, 5)
      .map(
        (row) =>
          `<a href="${e(href)}#${anchorId("repo", row.repository)}">${e(row.repository)}</a> <span class="small">(${e(STATUS_LABEL[row.status] ?? row.status)}${row.health.failing_engines.length > 0 ? `: ${row.health.failing_engines.map(e).join(", ")}` : ""})</span>`,
      );
    const lastRun = index.repos.reduce<string | null>(
      (latest, row) =>
        row.last_run_at !== null && (latest === null || row.last_run_at > latest) ? row.last_run_at : latest,
      null,
    );
    return [
      `<tr data-org="${e(owner)}" data-status="${e(index.status)}">`,
      name,
      `<td><span class="status status-${e(index.status)}">${e(STATUS_LABEL[index.status] ?? index.status)}</span></td>`,
      `<td class="num">${formatCount(t.repos)}${byStatus ? `<div class="small">${e(byStatus)}</div>` : ""}</td>`,
      `<td class="num">${formatCount(t.runs)}</td>`,
      `<td class="num">${t.failure > 0 ? `<strong>${formatCount(t.failure)}</strong>` : "0"} / ${formatCount(t.records)}${t.invalid_records > 0 ? `<div class="small">${formatCount(t.invalid_records)} invalid</div>` : ""}</td>`,
      `<td>${lastRun === null ? '<span class="muted">never</span>' : `<time datetime="${e(lastRun)}">${e(lastRun.slice(0, 16).replace("T", " "))}</time>`}</td>`,
      `<td>${failingList.length === 0 ? '<span class="muted">none</span>' : failingList.join("<br>")}${failing.length > 5 ? `<div class="small">and ${failing.length - 5} more</div>` : ""}</td>`,
      "</tr>",
    ].join("");
  });
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>Task Assistant dashboards</title>",
    `<style>${PAGE_STYLE}</style>`,
    "</head>",
    "<body>",
    "<header>",
    "<h1>Task Assistant dashboards</h1>",
    `<p class="meta">Each organisation's dashboards, as published in its own telemetry repository. Times are UTC.</p>`,
    "</header>",
    "<main>",
    '<div class="table-wrap"><table class="orgs">',
    "<caption>Status is the worst of the org's repositories: failing runs first, then invalid records, then missing telemetry.</caption>",
    '<thead><tr><th scope="col">Organisation</th><th scope="col">Status</th><th scope="col" class="num">Repositories</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Failed / records</th><th scope="col">Last run</th><th scope="col">Needs attention</th></tr></thead>',
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table></div>",
    entries.length === 0 ? '<p class="muted">No organisations.</p>' : "",
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * A published `index.json` as an `OrgIndex`, or why it cannot be shown. Only the fields the directory
 * reads are checked; an index published by an older build (without `health`) is reported as such.
 * Pure.
 */
export function readOrgIndex(text: string): OrgIndex | { missing: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { missing: "the published index.json is not JSON" };
  }
  const index = value as Partial<OrgIndex> | null;
  const totals = index?.totals;
  if (
    index === null ||
    typeof index !== "object" ||
    index.kind !== "org" ||
    typeof index.status !== "string" ||
    !(index.status in STATUS_LABEL) ||
    typeof totals !== "object" ||
    !["repos", "runs", "records", "failure", "invalid_records"].every(
      (key) => typeof (totals as unknown as Record<string, unknown>)[key] === "number",
    ) ||
    typeof totals.by_status !== "object" ||
    !Array.isArray(index.repos)
  ) {
    return { missing: "the published index.json is not a dashboard index" };
  }
  const rowsOk = index.repos.every(
    (row) =>
      typeof row === "object" &&
      typeof row.repository === "string" &&
      typeof row.status === "string" &&
      (row.last_run_at === null || typeof row.last_run_at === "string") &&
      typeof row.health === "object" &&
      Array.isArray(row.health.failing_engines),
  );
  if (!rowsOk)
    return { missing: "the published index.json was built by an older version; rebuild the dashboards" };
  return index as OrgIndex;
}
