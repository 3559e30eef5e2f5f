/**
 * An org's write budget (`npm run bench:budget`): the content-creating requests one event costs,
 * by mode, and how many events per hour one org can run before GitHub's content-creation limits
 * (80 per minute and 500 per hour per App installation, github-limits §4.2) refuse it.
 *
 * Each mode runs once through the same core `task-assistant dispatch` runs (plan, preflight, the
 * real engine, emit-engine) against the local GitHub, on a host whose one issue carries two phases
 * at once (so enforce has a change to make). Counted from the server's stats, for that run only:
 *
 *   - commits to the telemetry branch: contents PUTs and git commits answered 2xx (one per record
 *     written alone, one per batch);
 *   - issue writes: every 2xx request that is not a read under `/repos/{owner}/{repo}/issues`
 *     (labels added or removed, milestone or state set, comments), and labels or milestones created.
 *
 * GitHub does not publish which requests count as content creation; counting every commit and
 * every issue write is the cautious reading (§4.4: "each commit probably counts").
 */
import { startLocalGitHub } from "../src/emulator/start-local-github.js";
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

const PER_MINUTE = 80;
const PER_HOUR = 500;

interface Stats {
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}

const EVENTS = [
  { mode: "enforce", event: "issues", payload: labeled() },
  { mode: "validate", event: "workflow_dispatch", payload: { inputs: { mode: "validate" } } },
  { mode: "materialize", event: "workflow_dispatch", payload: { inputs: { mode: "materialize" } } },
  { mode: "reconcile", event: "workflow_dispatch", payload: { inputs: { mode: "reconcile" } } },
  { mode: "self-test", event: "workflow_dispatch", payload: { inputs: { mode: "self-test" } } },
] as const;

function labeled() {
  return {
    action: "labeled",
    issue: { number: 1 },
    label: { name: "phase-2" },
    sender: { login: "ada" },
    repository: { full_name: "acme/widgets" },
  };
}

/** Commits to the telemetry branch and issue writes of one run, from the server's stats. */
export function contentCreating(stats: Stats): { commits: number; issueWrites: number } {
  let commits = 0;
  let issueWrites = 0;
  for (const { method, route, status, count } of stats.requests) {
    if (method === "GET" || status < 200 || status > 299) continue;
    if (
      (method === "PUT" && route === "/repos/{owner}/{repo}/contents/{path}") ||
      (method === "POST" && route === "/repos/{owner}/{repo}/git/commits")
    ) {
      commits += count;
    } else if (
      route.startsWith("/repos/{owner}/{repo}/issues") ||
      route === "/repos/{owner}/{repo}/labels" ||
      route === "/repos/{owner}/{repo}/milestones"
    ) {
      issueWrites += count;
    }
  }
  return { commits, issueWrites };
}

const server = await startLocalGitHub({
  host: "127.0.0.1",
  seed: {
    ...(await worldSeed()),
    limits: {
      primary_per_hour: 1_000_000,
      content_creation_per_minute: 100_000,
      content_creation_per_hour: 1_000_000,
    },
  },
});
const admin = async (method: string, path: string): Promise<unknown> => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `token ${server.adminToken}` },
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  const text = await response.text();
  return text === "" ? undefined : (JSON.parse(text) as unknown);
};

try {
  const tokens = createTokenProvider(
    { kind: "token", token: TOKENS.operator, variable: "GITHUB_TOKEN" },
    { baseUrl: server.url },
  );
  const infra = createGitHub({ baseUrl: server.url, auth: TOKENS.operator, retries: 0 });
  console.log(
    `content-creating requests per event against the local GitHub (commits to the telemetry branch + issue writes)\n`,
  );
  console.log(
    "  mode          records  commits  issue writes  per event  events/h at 500/h  events/min at 80/min",
  );
  for (const [index, { mode, event, payload }] of EVENTS.entries()) {
    const plan = planRun(event, payload, {
      target_repo: "acme/widgets",
      engine_ref: "v1.4.0",
      correlation_id: `budget-${index}`,
      newId: () => "unused",
    });
    if (isRefusal(plan)) throw new Error(plan.message);
    await admin("POST", "/_emulator/stats/reset");
    const report = await executeRun(plan, {
      credentials: createRunCredentials(tokens, { baseUrl: server.url, retries: 0 }),
      registry: await loadRegistry({ kind: "infra-repo", repo: INFRA_REPO, github: infra }),
      catalog: createEngineCatalog(),
      writer: emitRecordWriter(),
      clock: systemClock,
      source: (engine) => ({ runner: "local", workflow: "task-assistant-dispatch", job: engine }),
      version: "bench",
    });
    const records = 1 + report.engines.length;
    const { commits, issueWrites } = contentCreating((await admin("GET", "/_emulator/stats")) as Stats);
    const perEvent = commits + issueWrites;
    console.log(
      `  ${mode.padEnd(13)} ${String(records).padStart(7)}  ${String(commits).padStart(7)}  ${String(issueWrites).padStart(12)}  ${String(perEvent).padStart(9)}  ${String(Math.floor(PER_HOUR / perEvent)).padStart(17)}  ${String(Math.floor(PER_MINUTE / perEvent)).padStart(20)}${report.ok ? "" : "  (run not ok)"}`,
    );
  }
} finally {
  await server.stop();
}
