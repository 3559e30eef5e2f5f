import { httpStatusOf } from "../../config/load-host-config.js";
import type { GitHub } from "../../github/octokit.js";
import { isCalendarDate, RECORDS_ROOT, repoDirectoryName } from "../../telemetry/record-path.js";
import { stateOfRecord, type ReconcileState } from "../../enforcement/reconcile-state.js";

/** How many of the newest day directories are searched for reconcile's last record. */
export const LOOKBACK_DAYS = 31;

/**
 * The state reconcile's last real (not dry-run) record left for `target`, read from the org's
 * telemetry repository: the newest day directory holding a `reconcile.json` decides, and within it
 * the record generated last. Costs one directory listing, one recursive tree per day searched and
 * one blob per reconcile record of that day. Undefined when there is none within `LOOKBACK_DAYS`
 * day directories: the run then starts from the first page.
 */
export async function readLastReconcileState(
  github: GitHub,
  telemetryRepo: string,
  target: { owner: string; repo: string },
): Promise<ReconcileState | undefined> {
  const [owner, repo] = telemetryRepo.split("/");
  const location = { owner, repo };
  let listing: unknown;
  try {
    ({ data: listing } = await github.rest.repos.getContent({
      ...location,
      path: `${RECORDS_ROOT}/${repoDirectoryName(target.owner, target.repo)}`,
    }));
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    throw error;
  }
  if (!Array.isArray(listing)) return undefined;
  const days = (listing as Array<{ name?: unknown; type?: unknown; sha?: unknown }>)
    .filter(
      (entry): entry is { name: string; type: "dir"; sha: string } =>
        entry.type === "dir" &&
        typeof entry.name === "string" &&
        typeof entry.sha === "string" &&
        isCalendarDate(entry.name),
    )
    .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
    .slice(0, LOOKBACK_DAYS);
  for (const day of days) {
    const { data: tree } = await github.rest.git.getTree({ ...location, tree_sha: day.sha, recursive: "1" });
    const records = tree.tree.filter(
      (entry) =>
        entry.type === "blob" &&
        typeof entry.sha === "string" &&
        /^[^/]+\/reconcile\.json$/.test(entry.path ?? ""),
    );
    let newest: { at: string; state: ReconcileState } | undefined;
    for (const entry of records) {
      const { data: blob } = await github.rest.git.getBlob({ ...location, file_sha: entry.sha });
      const record = parseRecord(Buffer.from(blob.content, "base64").toString("utf8"));
      const state = stateOfRecord(record?.details);
      if (record === undefined || state === undefined) continue;
      // The newest by generated_at; equal times fall to the later path, so the choice never depends on order.
      const at = `${record.generated_at} ${entry.path ?? ""}`;
      if (newest === undefined || at > newest.at) newest = { at, state };
    }
    if (newest !== undefined) return newest.state;
  }
  return undefined;
}

function parseRecord(text: string): { generated_at: string; details: unknown } | undefined {
  try {
    const value = JSON.parse(text) as { generated_at?: unknown; details?: unknown } | null;
    return value !== null && typeof value === "object" && typeof value.generated_at === "string"
      ? { generated_at: value.generated_at, details: value.details }
      : undefined;
  } catch {
    return undefined;
  }
}
