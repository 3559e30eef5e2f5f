/**
 * Dispatch benchmark (`npm run bench:dispatch`): a local validate-mode dispatch against the local
 * GitHub, through the same core `task-assistant dispatch` runs (plan, preflight reading the registry
 * from the infra repository, the real validate engine, emit-engine). Side by side in this one run:
 *
 *   1. requests per run, by endpoint, from the server's stats (target: at most 10 in all);
 *   2. wall time from the start of a run to its last record committed, beside the time of the same
 *      number of bare requests (`GET /repos/{owner}/{repo}`) to the same server, alternating the two.
 */
import { performance } from "node:perf_hooks";
import { startLocalGitHub, type LocalGitHub } from "../src/emulator/start-local-github.js";
import { createGitHub } from "../src/github/octokit.js";
import { createTokenProvider } from "../src/github/token-provider.js";
import { createEngineCatalog } from "../src/runtime/engine-catalog.js";
import { executeRun } from "../src/runtime/execute-run.js";
import { planRun } from "../src/runtime/plan-run.js";
import { emitRecordWriter } from "../src/runtime/record-writer.js";
import { loadRegistry } from "../src/runtime/registry-source.js";
import { createRunCredentials } from "../src/runtime/run-credentials.js";
import { isRefusal } from "../src/runtime/run-plan.js";
import { systemClock } from "../src/util/clock.js";
import { INFRA_REPO, TOKENS, worldSeed } from "../test/runtime/support/runtime-world.js";

const RUNS = 25;
const WARMUP = 3;
const LIMITS = {
  primary_per_hour: 1_000_000,
  content_creation_per_minute: 100_000,
  content_creation_per_hour: 1_000_000,
};

interface Stats {
  total: number;
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}

async function admin(server: LocalGitHub, method: string, path: string): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `token ${server.adminToken}` },
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  const text = await response.text();
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main(): Promise<void> {
  const server = await startLocalGitHub({
    host: "127.0.0.1",
    seed: { ...(await worldSeed()), limits: LIMITS },
  });
  try {
    const tokens = createTokenProvider(
      { kind: "token", token: TOKENS.operator, variable: "GITHUB_TOKEN" },
      { baseUrl: server.url },
    );
    const infra = createGitHub({ baseUrl: server.url, auth: TOKENS.operator, retries: 0 });
    const bare = createGitHub({ baseUrl: server.url, auth: TOKENS.operator, retries: 0 });

    /** One dispatch as `task-assistant dispatch` runs it; resolves once the last record is committed. */
    const dispatch = async (index: number) => {
      const plan = planRun(
        "workflow_dispatch",
        { inputs: { mode: "validate" } },
        {
          target_repo: "acme/widgets",
          engine_ref: "v1.4.0",
          correlation_id: `bench-${index}`,
          newId: () => "unused",
        },
      );
      if (isRefusal(plan)) throw new Error(plan.message);
      const report = await executeRun(plan, {
        credentials: createRunCredentials(tokens, { baseUrl: server.url, retries: 0 }),
        registry: await loadRegistry({ kind: "infra-repo", repo: INFRA_REPO, github: infra }),
        catalog: createEngineCatalog(),
        writer: emitRecordWriter(),
        clock: systemClock,
        source: (engine) => ({ runner: "local", workflow: "task-assistant-dispatch", job: engine }),
        version: "bench",
      });
      if (!report.ok)
        throw new Error(
          `dispatch ${index} failed: ${report.preflight.reason ?? JSON.stringify(report.engines)}`,
        );
    };
    const bareRequests = async (count: number) => {
      for (let index = 0; index < count; index += 1)
        await bare.rest.repos.get({ owner: "acme", repo: "widgets" });
    };

    for (let index = 0; index < WARMUP; index += 1) await dispatch(-1 - index);

    // 1. Requests of one run, by endpoint.
    await admin(server, "POST", "/_emulator/stats/reset");
    await dispatch(0);
    const stats = (await admin(server, "GET", "/_emulator/stats")) as Stats;
    const perRun = stats.total;
    process.stdout.write(`validate-mode dispatch against the local GitHub (${RUNS} runs, median)\n\n`);
    process.stdout.write("requests per run, by endpoint:\n");
    for (const request of [...stats.requests].sort(
      (a, b) => b.count - a.count || a.route.localeCompare(b.route),
    ))
      process.stdout.write(
        `  ${String(request.count).padStart(3)}  ${request.method} ${request.route} → ${request.status}\n`,
      );
    process.stdout.write(
      `  ${String(perRun).padStart(3)}  in all (target ≤ 10: ${perRun <= 10 ? "met" : "NOT met"})\n\n`,
    );

    // 2. Wall time, alternating a dispatch and the same number of bare requests.
    const dispatchMs: number[] = [];
    const bareMs: number[] = [];
    for (let index = 1; index <= RUNS; index += 1) {
      let start = performance.now();
      await dispatch(index);
      dispatchMs.push(performance.now() - start);
      start = performance.now();
      await bareRequests(perRun);
      bareMs.push(performance.now() - start);
    }
    const run = median(dispatchMs);
    const floor = median(bareMs);
    process.stdout.write(`wall time, start → last record committed   ${run.toFixed(1)} ms\n`);
    process.stdout.write(`${perRun} bare GET /repos/{owner}/{repo} requests      ${floor.toFixed(1)} ms\n`);
    process.stdout.write(`ratio dispatch / bare requests               ${(run / floor).toFixed(2)}×\n`);
  } finally {
    await server.stop();
  }
}

await main();
