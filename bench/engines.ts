/**
 * Engine request-cost benchmark (`npm run bench:engines`), against the local GitHub, counting
 * requests from its stats. Side by side in this one run:
 *
 *   1. enforce, against its request budget per enforced issue: 1 read of the issue; writes ≤ labels
 *      removed + 1 if the milestone changes (one DELETE per removed label, a PATCH carrying only the
 *      milestone; the label list is never written whole, so no concurrent edit is lost); the typical
 *      case (one label removed, milestone unchanged) ≤ 2 issue requests. Two workloads: issues whose
 *      phase, priority and milestone all need changing, and the typical case. Every issue is checked
 *      against the budget, and the figures are printed.
 *   2. materialize on a repository declaring 300 labels and 50 milestones, 40 of each missing:
 *      requests against the floor (listing pages + one create per missing item). Target ≤ 1.2×.
 */
import { engine as enforce } from "../src/engines/enforce/index.js";
import { engine as materialize } from "../src/engines/materialize/index.js";
import type { SeedRepo } from "../src/emulator/seed/seed-types.js";
import { startLocalGitHub, type LocalGitHub } from "../src/emulator/start-local-github.js";
import { createGitHub, type GitHub } from "../src/github/octokit.js";
import type { EngineContext } from "../src/runtime/engine.js";
import { fixedClock } from "../src/util/clock.js";

const ISSUES = 50;
const CONFIG_PATH = ".github/task-assistant.yml";
const LIMITS = {
  content_creation_per_minute: 100_000,
  content_creation_per_hour: 1_000_000,
  primary_per_hour: 1_000_000,
};

interface Stats {
  total: number;
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}

async function stats(server: LocalGitHub): Promise<Stats> {
  const response = await fetch(`${server.url}/_emulator/stats`, {
    headers: { authorization: `token ${server.adminToken}` },
  });
  return (await response.json()) as Stats;
}

async function resetStats(server: LocalGitHub): Promise<void> {
  await fetch(`${server.url}/_emulator/stats/reset`, {
    method: "POST",
    headers: { authorization: `token ${server.adminToken}` },
  });
}

/** Requests counted since the last reset: in total, writes, and reads and writes on the issue itself. */
async function counted(server: LocalGitHub) {
  const { total, requests } = await stats(server);
  const sum = (keep: (r: Stats["requests"][number]) => boolean) =>
    requests.filter(keep).reduce((n, r) => n + r.count, 0);
  const onIssue = (r: Stats["requests"][number]) =>
    r.route.startsWith("/repos/{owner}/{repo}/issues/{issue_number}");
  return {
    total,
    writes: sum((r) => r.method !== "GET"),
    issueReads: sum((r) => onIssue(r) && r.method === "GET"),
    issueWrites: sum((r) => onIssue(r) && r.method !== "GET"),
  };
}

function context(github: GitHub, repo: string, extra: Partial<EngineContext> = {}): EngineContext {
  return {
    target_repo: `acme/${repo}`,
    telemetry_repo: "acme/telemetry",
    correlation_id: "bench-1",
    engine_ref: "v0.0.0-bench",
    github,
    clock: fixedClock("2026-11-21T00:00:00Z"),
    dry_run: false,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// 1. enforce

const ENFORCE_CONFIG = `schema_version: "1.0"
tracks: []
labels:
  - { name: phase-1, color: "C2E0C6" }
  - { name: phase-2, color: "0E8A16" }
  - { name: phase-3, color: "006B75" }
  - { name: priority/low, color: "D4C5F9" }
  - { name: priority/high, color: "B60205" }
milestones: [{ title: "Phase 1" }, { title: "Phase 2" }, { title: "Phase 3" }]
enforcement:
  exclusivity:
    phase: { mode: enforce, strategy: highest }
    priority: { mode: enforce, strategy: highest }
  phase_milestones: { phase-1: "Phase 1", phase-2: "Phase 2", phase-3: "Phase 3" }
`;

function enforceRepo(name: string, labels: string[], milestone: string): SeedRepo {
  return {
    name: `acme/${name}`,
    files: { [CONFIG_PATH]: ENFORCE_CONFIG },
    labels: ["phase-1", "phase-2", "phase-3", "priority/low", "priority/high", "bug"].map((label) => ({
      name: label,
    })),
    milestones: [{ title: "Phase 1" }, { title: "Phase 2" }, { title: "Phase 3" }],
    issues: Array.from({ length: ISSUES }, (_, i) => ({
      title: `issue ${i + 1}`,
      labels,
      milestone,
    })),
  };
}

interface Budget {
  issues: number;
  reads: number;
  writes: number;
  /** What the budget allows: per issue, labels removed + 1 if the milestone changed. */
  allowedWrites: number;
  overBudget: number[];
}

/** Enforces issues 1..ISSUES of `repo` one at a time, checking each against the request budget. */
async function enforceWithinBudget(server: LocalGitHub, github: GitHub, repo: string): Promise<Budget> {
  const budget: Budget = { issues: ISSUES, reads: 0, writes: 0, allowedWrites: 0, overBudget: [] };
  for (let n = 1; n <= ISSUES; n += 1) {
    await resetStats(server);
    const result = await enforce.run(context(github, repo, { issue_number: n }));
    if (!result.ok) throw new Error(`issue ${n}: ${result.summary}`);
    const removed = result.actions.flatMap((action) =>
      Array.isArray(action.removed) ? (action.removed as string[]) : [],
    ).length;
    const milestone = result.actions.some((action) => action.id === "issue.milestone.set") ? 1 : 0;
    const { issueReads, issueWrites } = await counted(server);
    budget.reads += issueReads;
    budget.writes += issueWrites;
    budget.allowedWrites += removed + milestone;
    if (issueReads !== 1 || issueWrites > removed + milestone) budget.overBudget.push(n);
  }
  return budget;
}

async function benchEnforce(): Promise<void> {
  const server = await startLocalGitHub({
    seed: {
      orgs: [{ login: "acme" }],
      repos: [
        enforceRepo(
          "full",
          ["phase-1", "bug", "phase-3", "priority/low", "phase-2", "priority/high"],
          "Phase 1",
        ),
        enforceRepo("typical", ["phase-2", "bug", "priority/low", "priority/high"], "Phase 2"),
      ],
      limits: LIMITS,
    },
  });
  try {
    const github = createGitHub({ baseUrl: server.url, auth: server.adminToken, retries: 0 });
    let started = performance.now();
    const full = await enforceWithinBudget(server, github, "full");
    const fullMs = performance.now() - started;
    started = performance.now();
    const typical = await enforceWithinBudget(server, github, "typical");
    const typicalMs = performance.now() - started;

    await resetStats(server);
    for (let n = 1; n <= ISSUES; n += 1) await enforce.run(context(github, "full", { issue_number: n }));
    const again = await counted(server);

    const per = (n: number) => (n / ISSUES).toFixed(2);
    const row = (name: string, b: Budget, ms: number) =>
      `  ${name.padEnd(34)}${per(b.reads).padStart(6)}${per(b.writes).padStart(8)}${per(b.allowedWrites).padStart(9)}` +
      `${per(b.reads + b.writes).padStart(8)}${(ms / ISSUES).toFixed(1).padStart(8)}ms   ${b.overBudget.length === 0 ? "met" : `MISSED on #${b.overBudget.join(", #")}`}`;
    console.log(`enforce: request budget per enforced issue, ${ISSUES} issues per workload`);
    console.log(
      "  workload (per issue)               reads  writes  allowed  issue   wall     budget (1 read; writes ≤ removed + milestone)",
    );
    console.log(row("3 phase + 2 priority, milestone", full, fullMs));
    console.log(row("1 priority removed (typical)", typical, typicalMs));
    const typicalTotal = (typical.reads + typical.writes) / ISSUES;
    console.log(
      `  typical case ≤ 2 issue requests: ${typicalTotal <= 2 ? "met" : "MISSED"} (${typicalTotal.toFixed(2)}); ` +
        `second run over the full workload: ${per(again.issueWrites)} writes per issue`,
    );
    console.log("  (issue = requests on /issues/{n}; the config read and milestone lookup are not counted)");
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. materialize

const LABELS = 300;
const MILESTONES = 50;
const MISSING = 40;

async function benchMaterialize(): Promise<void> {
  const labels = Array.from({ length: LABELS }, (_, i) => ({
    name: `area/${String(i).padStart(3, "0")}`,
    color: "0E8A16",
  }));
  const milestones = Array.from({ length: MILESTONES }, (_, i) => ({ title: `Sprint ${i + 1}` }));
  const config = [
    'schema_version: "1.0"',
    "tracks: []",
    "labels:",
    ...labels.map((label) => `  - { name: ${label.name}, color: "${label.color}" }`),
    "milestones:",
    ...milestones.map((milestone) => `  - { title: "${milestone.title}" }`),
    "",
  ].join("\n");
  const existingLabels = labels.slice(MISSING);
  const existingMilestones = milestones.slice(MISSING);
  const server = await startLocalGitHub({
    seed: {
      orgs: [{ login: "acme" }],
      repos: [
        {
          name: "acme/big",
          files: { [CONFIG_PATH]: config },
          labels: existingLabels,
          milestones: existingMilestones,
        },
      ],
      limits: LIMITS,
    },
  });
  try {
    const github = createGitHub({ baseUrl: server.url, auth: server.adminToken, retries: 0 });
    await resetStats(server);
    const result = await materialize.run(context(github, "big"));
    if (!result.ok || result.actions.length !== 2 * MISSING)
      throw new Error(`materialize: ${result.summary}`);
    const first = await counted(server);

    await resetStats(server);
    await materialize.run(context(github, "big"));
    const second = await counted(server);

    const pages = (n: number) => Math.max(1, Math.ceil(n / 100));
    const floor = pages(existingLabels.length) + pages(existingMilestones.length) + 2 * MISSING;
    const measured = first.total - 1; // the config read is not part of the floor
    console.log("");
    console.log(
      `materialize: ${LABELS} labels and ${MILESTONES} milestones declared, ${MISSING} of each missing`,
    );
    console.log(`  floor (listing pages + one create per missing item)   ${floor}`);
    console.log(
      `  this engine, without the config read                  ${measured}   ratio ${(measured / floor).toFixed(3)}× (target ≤ 1.2×)`,
    );
    console.log(
      `  this engine, all requests                             ${first.total}   ratio ${(first.total / floor).toFixed(3)}×`,
    );
    console.log(`  second run: ${second.total} requests, ${second.writes} writes`);
  } finally {
    await server.stop();
  }
}

await benchEnforce();
await benchMaterialize();
