/**
 * bench:reconcile — reconcile over 10,000 open issues, 10% of which need one label removed, against
 * the local GitHub. Prints the first run's requests against the floor (listing pages + one write per
 * change), a second run on the unchanged repository (listing answered 304), and the most writes in
 * any minute and any hour on the run's simulated clock (pacing sleeps move that clock, never real
 * time). The run's budget is raised to cover the pass in one run; by default a run stops at 400.
 */
import { engine } from "../src/engines/reconcile/index.js";
import { PAGE_SIZE } from "../src/enforcement/list-issue-page.js";
import { maxInWindow } from "../src/enforcement/write-pacer.js";
import { startLocalGitHub } from "../src/emulator/start-local-github.js";
import { createGitHub } from "../src/github/octokit.js";
import type { EngineContext, EngineResult } from "../src/runtime/engine.js";

const ISSUES = 10_000;
const CONFIG = `schema_version: "1.1"
tracks: []
labels: []
milestones: []
enforcement:
  exclusivity:
    scoped: { mode: enforce, strategy: highest }
`;

interface Stats {
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}

async function main(): Promise<void> {
  const issues = Array.from({ length: ISSUES }, (_, index) => ({
    title: `Issue ${index + 1}`,
    labels: index % 10 === 0 ? ["workflow::doing", "workflow::todo"] : ["workflow::todo"],
  }));
  const server = await startLocalGitHub({
    seed: {
      orgs: [{ login: "acme" }],
      repos: [
        {
          name: "acme/big",
          files: { ".github/task-assistant.yml": CONFIG },
          labels: ["workflow::doing", "workflow::todo"].map((name) => ({ name })),
          issues,
        },
        { name: "acme/telemetry" },
      ],
    },
  });
  const admin = (path: string, method = "GET") =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `token ${server.adminToken}` } });
  try {
    const github = createGitHub({ baseUrl: server.url, auth: server.adminToken, retries: 0 });
    let now = Date.parse("2026-12-01T00:00:00Z");
    const writeTimes: number[] = [];
    // Every write to the target's issues, at the simulated time it was sent.
    github.hook.before("request", (options) => {
      if (options.method !== "GET" && String(options.url).includes("/issues/")) writeTimes.push(now);
    });
    const ctx = (): EngineContext => ({
      target_repo: "acme/big",
      telemetry_repo: "acme/telemetry",
      correlation_id: "bench",
      engine_ref: "v0.0.0",
      github,
      clock: { now: () => new Date(now) },
      sleep: (ms) => {
        now += ms;
        return Promise.resolve();
      },
      dry_run: false,
      write_budget: ISSUES,
    });
    const counted = async () => {
      const stats = (await (await admin("/_emulator/stats")).json()) as Stats;
      const target = stats.requests;
      const sum = (keep: (r: Stats["requests"][number]) => boolean) =>
        target.filter(keep).reduce((n, r) => n + r.count, 0);
      const listing = (r: Stats["requests"][number]) =>
        r.method === "GET" && r.route === "/repos/{owner}/{repo}/issues";
      return {
        total: sum(() => true),
        listing200: sum((r) => listing(r) && r.status === 200),
        listing304: sum((r) => listing(r) && r.status === 304),
        writes: sum((r) => r.method !== "GET"),
        other: sum((r) => !listing(r) && r.method === "GET"),
      };
    };
    const store = async (result: EngineResult, id: string) => {
      now += 60_000;
      await github.rest.repos.createOrUpdateFileContents({
        owner: "acme",
        repo: "telemetry",
        path: `telemetry/v1/repos/acme-big/2026-12-01/${id}/reconcile.json`,
        message: id,
        content: Buffer.from(
          JSON.stringify({ generated_at: new Date(now).toISOString(), details: result }),
        ).toString("base64"),
      });
    };

    await admin("/_emulator/stats/reset", "POST");
    const started = now;
    const first = await engine.run(ctx());
    const firstCounts = await counted();
    const changes = first.changes_total as number;
    const pages = Math.floor(ISSUES / PAGE_SIZE) + 1;
    const floor = pages + changes;
    const report = first.reconcile as { requests: Record<string, number> };
    await store(first, "run-1");

    await admin("/_emulator/stats/reset", "POST");
    const second = await engine.run(ctx());
    const secondCounts = await counted();
    await store(second, "run-2");

    console.log(`reconcile: ${ISSUES} open issues, ${changes} needing one label removed`);
    console.log(
      `first run:  ${firstCounts.total} requests (floor ${floor} = ${pages} listing pages + ${changes} writes) → ${(firstCounts.total / floor).toFixed(3)}× the floor`,
    );
    console.log(
      `            listing ${firstCounts.listing200} (of which ${report.requests.pages_reread} re-reads of written pages), writes ${firstCounts.writes}, other reads ${firstCounts.other} (config, resume record, milestones)`,
    );
    console.log(
      `second run: ${secondCounts.total} requests: listing ${secondCounts.listing304}×304 + ${secondCounts.listing200}×200, writes ${secondCounts.writes}, other reads ${secondCounts.other} (config, resume record)`,
    );
    console.log(
      `writes per minute at most ${maxInWindow(writeTimes, 60_000)} (limit 80), per hour at most ${maxInWindow(writeTimes, 3_600_000)} (limit 500)`,
    );
    const simulated = (now - started) / 60_000;
    console.log(`simulated time of the paced first run: ${simulated.toFixed(1)} minutes`);
    console.log(`summary: ${first.summary} | ${second.summary}`);
  } finally {
    await server.stop();
  }
}

await main();
