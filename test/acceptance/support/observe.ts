import type { EmulatorStats } from "../../support/local-github.js";
import type { AcceptanceWorld } from "./world.js";

/**
 * What a scenario looks at afterwards, always as the site administrator and never inside a measured
 * window: issues, a host's labels and milestones, telemetry trees and records, and the server's count
 * of the writes an action made.
 */

export interface IssueState {
  state: string;
  labels: string[];
  milestone: string | null;
}

/** An issue's state, labels (sorted) and milestone title. */
export async function readIssue(
  world: AcceptanceWorld,
  fullName: string,
  issue: number,
): Promise<IssueState> {
  const [owner, repo] = fullName.split("/");
  const { data } = await world.github.client().rest.issues.get({ owner, repo, issue_number: issue });
  return {
    state: data.state,
    labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))).sort(),
    milestone: data.milestone?.title ?? null,
  };
}

/** Names of a repository's labels, sorted. */
export async function labelsOf(world: AcceptanceWorld, fullName: string): Promise<string[]> {
  const [owner, repo] = fullName.split("/");
  const client = world.github.client();
  const labels = await client.paginate(client.rest.issues.listLabelsForRepo, { owner, repo, per_page: 100 });
  return labels.map((label) => label.name).sort();
}

/** Titles of a repository's milestones in every state, sorted. */
export async function milestonesOf(world: AcceptanceWorld, fullName: string): Promise<string[]> {
  const [owner, repo] = fullName.split("/");
  const client = world.github.client();
  const milestones = await client.paginate(client.rest.issues.listMilestones, {
    owner,
    repo,
    state: "all",
    per_page: 100,
  });
  return milestones.map((milestone) => milestone.title).sort();
}

/** The labels Task Assistant manages (phase, priority, state, track), among a repository's labels. */
export const managedLabels = (labels: string[]) =>
  labels.filter((name) => /^(phase-|priority\/|state\/|track\/)/.test(name));

/** Every file path of a repository's default branch (from one recursive git tree). */
export async function filesOf(world: AcceptanceWorld, fullName: string): Promise<string[]> {
  const [owner, repo] = fullName.split("/");
  const client = world.github.client();
  const { data: info } = await client.rest.repos.get({ owner, repo });
  const { data } = await client.rest.git.getTree({
    owner,
    repo,
    tree_sha: info.default_branch,
    recursive: "true",
  });
  if (data.truncated) throw new Error(`the tree of ${fullName} is too large to list in one request`);
  return data.tree
    .filter((entry) => entry.type === "blob")
    .map((entry) => entry.path ?? "")
    .sort();
}

/** Every file under `telemetry/` in a telemetry repository, sorted. */
export async function telemetryTree(world: AcceptanceWorld, telemetryRepo: string): Promise<string[]> {
  return (await filesOf(world, telemetryRepo)).filter((path) => path.startsWith("telemetry/"));
}

/** Raw record paths under `telemetry/v1/repos/` only (dashboards excluded). */
export async function recordTree(world: AcceptanceWorld, telemetryRepo: string): Promise<string[]> {
  return (await telemetryTree(world, telemetryRepo)).filter((path) => path.startsWith("telemetry/v1/repos/"));
}

/** The paths of `tree` with each date folder written as `<day>`, for layouts that do not depend on today. */
export function withDays(tree: string[]): string[] {
  return tree.map((path) => path.replace(/\/\d{4}-\d{2}-\d{2}\//, "/<day>/"));
}

/** A stored telemetry record as a scenario reads it. */
export interface StoredRecord {
  schema_version: string;
  generated_at: string;
  correlation_id: string;
  engine_name: string;
  engine_ref: string;
  ok: boolean;
  source: Record<string, string>;
  entity: { type: string; owner: string; repo: string };
  event: { category: string; action: string; reason: string | null };
  details: {
    ok: boolean;
    summary: string;
    checks: Array<{ id: string; outcome: string; details?: unknown }>;
    actions: Array<Record<string, unknown>>;
    [key: string]: unknown;
  };
}

/** A file of a repository's default branch, as text. */
export async function fileText(world: AcceptanceWorld, fullName: string, path: string): Promise<string> {
  const [owner, repo] = fullName.split("/");
  const { data } = await world.github.client().rest.repos.getContent({ owner, repo, path });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

/** The record at `path` of a telemetry repository, parsed. */
export async function readRecord(
  world: AcceptanceWorld,
  telemetryRepo: string,
  path: string,
): Promise<StoredRecord> {
  return JSON.parse(await fileText(world, telemetryRepo, path)) as StoredRecord;
}

/** Routes that mint or revoke App installation tokens: they change no repository. */
const TOKEN_ROUTES = new Set(["/app/installations/{installation_id}/access_tokens", "/installation/token"]);

/**
 * The writes in `stats`: every request that is not a read, as `METHOD route status ×count` (token
 * minting aside), plus `git push ×N` for pushes over git's smart HTTP. Sorted.
 */
export function writesIn(stats: EmulatorStats): string[] {
  const writes = stats.requests
    .filter((request) => !["GET", "HEAD"].includes(request.method) && !TOKEN_ROUTES.has(request.route))
    .map((request) => `${request.method} ${request.route} ${request.status} ×${request.count}`);
  if (stats.git.receive_pack > 0) writes.push(`git push ×${stats.git.receive_pack}`);
  return writes.sort();
}

/** Runs `action` with the server's counters zeroed first; returns its result and the writes it made. */
export async function writesDuring<T>(
  world: AcceptanceWorld,
  action: () => Promise<T>,
): Promise<{ result: T; writes: string[]; stats: EmulatorStats }> {
  await world.github.resetStats();
  const result = await action();
  const stats = await world.github.stats();
  return { result, writes: writesIn(stats), stats };
}

const CONTENTS_PUT = "PUT /repos/{owner}/{repo}/contents/{path}";

/**
 * `writes` split into record writes — how many files were created (201) and how many attempts met a
 * conflict on the branch (409) — and every other write line.
 */
export function splitRecordWrites(writes: string[]): {
  created: number;
  conflicts: number;
  others: string[];
} {
  const count = (status: number) =>
    writes
      .filter((line) => line.startsWith(`${CONTENTS_PUT} ${status} `))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf("×") + 1)), 0);
  return {
    created: count(201),
    conflicts: count(409),
    others: writes.filter(
      (line) => !line.startsWith(`${CONTENTS_PUT} 201 `) && !line.startsWith(`${CONTENTS_PUT} 409 `),
    ),
  };
}

/**
 * Record paths grouped by run: `<owner-repo>/<correlation id>` → the record files in that folder,
 * sorted. Date folders are left out (a run's records share one).
 */
export function runsIn(paths: string[]): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const path of [...paths].sort()) {
    const [, , , repo, , correlation, file] = path.split("/");
    const key = `${repo}/${correlation}`;
    runs.set(key, [...(runs.get(key) ?? []), file]);
  }
  return runs;
}
