/**
 * Engine request-cost benchmark (`npm run bench:engines`), against the local GitHub, counting
 * requests from its stats. Side by side in this one run:
 *
 *   1. enforce on issues whose phase, priority and milestone all need changing: this engine (one
 *      read of the issue, one PATCH with labels and milestone) beside the prior implementation's
 *      pattern (one read, one DELETE per removed label, one milestone edit), on identical issues.
 *      Target: ≤ 2 issue requests per enforced issue.
 *   2. materialize on a repository declaring 300 labels and 50 milestones, 40 of each missing:
 *      requests against the floor (listing pages + one create per missing item). Target ≤ 1.2×.
 */
import { bindMilestone } from "../src/engines/enforce/enforcement-plan.js";
import { engine as enforce } from "../src/engines/enforce/index.js";
import { planEnforcement } from "../src/engines/enforce/plan-enforcement.js";
import { readIssue } from "../src/engines/enforce/read-issue.js";
import { engine as materialize } from "../src/engines/materialize/index.js";
import { readHostConfig } from "../src/config/read-host-config.js";
import { readMilestones } from "../src/config/read-repo-inventory.js";
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

/** Requests counted since the last reset: in total, on the issue itself, and writes. */
async function counted(server: LocalGitHub) {
  const { total, requests } = await stats(server);
  const sum = (keep: (r: Stats["requests"][number]) => boolean) =>
    requests.filter(keep).reduce((n, r) => n + r.count, 0);
  return {
    total,
    issue: sum((r) => r.route.startsWith("/repos/{owner}/{repo}/issues/{issue_number}")),
    writes: sum((r) => r.method !== "GET"),
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

function enforceRepo(name: string): SeedRepo {
  return {
    name: `acme/${name}`,
    files: { [CONFIG_PATH]: ENFORCE_CONFIG },
    labels: ["phase-1", "phase-2", "phase-3", "priority/low", "priority/high", "bug"].map((label) => ({
      name: label,
    })),
    milestones: [{ title: "Phase 1" }, { title: "Phase 2" }, { title: "Phase 3" }],
    issues: Array.from({ length: ISSUES }, (_, i) => ({
      title: `issue ${i + 1}`,
      labels: ["phase-1", "bug", "phase-3", "priority/low", "phase-2", "priority/high"],
      milestone: "Phase 1",
    })),
  };
}

/**
 * The prior implementation's way of applying the same decisions: after its read of the issue,
 * `gh issue edit --remove-label` once per removed label, then `gh issue edit --milestone`.
 */
async function enforceLikePrior(github: GitHub, number: number): Promise<void> {
  const target = { owner: "acme", repo: "prior" };
  const config = await readHostConfig(github, target);
  if (config.status !== "valid") throw new Error("bench config is invalid");
  let plan = planEnforcement(config.config, await readIssue(github, target, number));
  if (plan.write?.milestone !== undefined) plan = bindMilestone(plan, await readMilestones(github, target));
  for (const pruning of plan.decisions.prunings) {
    for (const name of pruning.removed) {
      await github.rest.issues.removeLabel({ ...target, issue_number: number, name });
    }
  }
  const milestone = plan.write?.milestone?.number;
  if (milestone !== undefined)
    await github.rest.issues.update({ ...target, issue_number: number, milestone });
}

async function benchEnforce(): Promise<void> {
  const server = await startLocalGitHub({
    seed: { orgs: [{ login: "acme" }], repos: [enforceRepo("ours"), enforceRepo("prior")], limits: LIMITS },
  });
  try {
    const github = createGitHub({ baseUrl: server.url, auth: server.adminToken, retries: 0 });
    await resetStats(server);
    let started = performance.now();
    for (let n = 1; n <= ISSUES; n += 1) {
      const result = await enforce.run(context(github, "ours", { issue_number: n }));
      if (!result.ok || result.actions.length !== 3) throw new Error(`issue ${n}: ${result.summary}`);
    }
    const oursMs = performance.now() - started;
    const ours = await counted(server);

    await resetStats(server);
    started = performance.now();
    for (let n = 1; n <= ISSUES; n += 1) await enforceLikePrior(github, n);
    const priorMs = performance.now() - started;
    const prior = await counted(server);

    await resetStats(server);
    for (let n = 1; n <= ISSUES; n += 1) await enforce.run(context(github, "ours", { issue_number: n }));
    const again = await counted(server);

    const per = (n: number) => (n / ISSUES).toFixed(2);
    console.log(
      `enforce: ${ISSUES} issues, each with 3 phase labels, 2 priority labels and the wrong milestone`,
    );
    console.log("                                   this engine   prior pattern   ratio (prior/this)");
    console.log(
      `  issue requests per issue        ${per(ours.issue).padStart(11)}   ${per(prior.issue).padStart(13)}   ${(prior.issue / ours.issue).toFixed(2)}×`,
    );
    console.log(
      `  writes per issue                ${per(ours.writes).padStart(11)}   ${per(prior.writes).padStart(13)}   ${(prior.writes / ours.writes).toFixed(2)}×`,
    );
    console.log(
      `  all requests per issue          ${per(ours.total).padStart(11)}   ${per(prior.total).padStart(13)}   ${(prior.total / ours.total).toFixed(2)}×`,
    );
    console.log(
      `  wall time (this run)            ${oursMs.toFixed(0).padStart(9)}ms   ${priorMs.toFixed(0).padStart(11)}ms   ${(priorMs / oursMs).toFixed(2)}×`,
    );
    console.log("  (all requests = issue requests + config read + milestone lookup, the same for both)");
    console.log(
      `  target ≤ 2 issue requests per enforced issue: ${ours.issue / ISSUES <= 2 ? "met" : "MISSED"}; ` +
        `second run: ${per(again.writes)} writes per issue`,
    );
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
