/**
 * Actions runner benchmark (`npm run bench:actions`). For one `issues.labeled` event on an issue with
 * two phase labels, side by side in this one run, alternating:
 *
 *   1. the Actions path: the host's installed dispatcher and the engine workflows run by the local
 *      runner (plan → preflight → enforce, each job a fresh checkout of the release, setup-node, the
 *      install step, the CLI), tokens from the real broker;
 *   2. `task-assistant dispatch` doing the same run in one process (App credentials).
 *
 * Prints the wall time of each, the overhead of the runner, and each job's time in checkout, install
 * (setup-node and the install step; the runner's npm cache links the prepared installation, see
 * src/actions-runner/README.md) and the engine step. Both paths fix the issue and leave two records.
 * Needs `npm run build` first (the jobs and `dispatch` run dist/cli/bin.js).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import type { JobResult } from "../src/actions-runner/run-types.js";
import {
  HOST,
  INFRA,
  RELEASE,
  ROOT,
  allJobs,
  labeledPayload,
  openTwoPhaseIssue,
  startActionsWorld,
  type ActionsWorld,
} from "../test/actions/support/actions-world.js";

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHASES = { checkout: /^Check out/, install: /^(Set up Node|Install)/ };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function assertFixed(world: ActionsWorld, issue: number, path: string): Promise<void> {
  const { data } = await world.github
    .client()
    .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: issue });
  const labels = data.labels.map((label) => (typeof label === "string" ? label : label.name));
  if (labels.join() !== "phase-2") throw new Error(`${path} left issue ${issue} with ${labels.join(", ")}`);
}

interface JobTimes {
  wall: number;
  checkout: number;
  install: number;
  engine: number;
  /** The job's wall time outside those steps (job setup, ID token request, skipped steps), per round. */
  other: number;
}

function jobTimes(job: JobResult): JobTimes {
  const sum = (pattern: RegExp) =>
    job.steps.filter((step) => pattern.test(step.name)).reduce((total, step) => total + step.durationMs, 0);
  // The step that runs the CLI (`Plan the run`, `Run <engine>`), not the failure-record step after it.
  const engine = sum(/^(Plan the run|Run )/);
  const checkout = sum(PHASES.checkout);
  const install = sum(PHASES.install);
  return {
    wall: job.durationMs,
    checkout,
    install,
    engine,
    other: job.durationMs - checkout - install - engine,
  };
}

async function main(): Promise<void> {
  const world = await startActionsWorld();
  const work = await mkdtemp(join(tmpdir(), "bench-actions-"));
  const app = world.github.seeded!.apps[0] as unknown as { id: number; private_key: string };
  const runner: number[] = [];
  const dispatch: number[] = [];
  const jobs = new Map<string, JobTimes[]>();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      // 1. The Actions path.
      const issue = await openTwoPhaseIssue(world);
      let started = performance.now();
      const result = await world.dispatch(HOST, "issues", labeledPayload(issue));
      runner.push(performance.now() - started);
      if (result.conclusion !== "success") throw new Error(`the workflow run failed:\n${result.log}`);
      await assertFixed(world, issue, "the workflow run");
      for (const job of allJobs(result).filter((job) => job.steps.length > 0)) {
        jobs.set(job.key, [...(jobs.get(job.key) ?? []), jobTimes(job)]);
      }

      // 2. The same run in one process.
      const other = await openTwoPhaseIssue(world);
      const file = join(work, `payload-${other}.json`);
      await writeFile(file, JSON.stringify({ repository: { full_name: HOST }, ...labeledPayload(other) }));
      started = performance.now();
      await run(
        process.execPath,
        [
          join(ROOT, "dist", "cli", "bin.js"),
          "dispatch",
          "--event",
          "issues",
          "--payload",
          file,
          "--repo",
          HOST,
          "--engine-ref",
          RELEASE,
          "--infra-repo",
          INFRA,
          "--json",
        ],
        {
          env: {
            PATH: process.env.PATH ?? "/usr/bin:/bin",
            HOME: work,
            GITHUB_API_URL: world.github.url,
            TA_APP_ID: String(app.id),
            TA_APP_PRIVATE_KEY: app.private_key,
          },
        },
      );
      dispatch.push(performance.now() - started);
      await assertFixed(world, other, "dispatch");
    }
  } finally {
    await world.stop();
    await rm(work, { recursive: true, force: true });
  }

  const runnerMedian = median(runner);
  const dispatchMedian = median(dispatch);
  console.log(
    `bench:actions — one issues.labeled event (plan → preflight → enforce), ${ROUNDS} rounds, medians`,
  );
  console.log("");
  console.log(`  runner (installed dispatcher + engine workflows, broker)  ${seconds(runnerMedian)}`);
  console.log(`  task-assistant dispatch (one process)                     ${seconds(dispatchMedian)}`);
  console.log(
    `  overhead of the runner                                    ${seconds(runnerMedian - dispatchMedian)} (×${(runnerMedian / dispatchMedian).toFixed(1)})`,
  );
  console.log("");
  console.log("  job                    wall   checkout    install     engine      other");
  let jobSum = 0;
  for (const [key, times] of jobs) {
    const m = (pick: (t: JobTimes) => number) => median(times.map(pick));
    const wall = m((t) => t.wall);
    jobSum += wall;
    const other = m((t) => t.other);
    console.log(
      `  ${key.padEnd(20)} ${seconds(wall).padStart(7)} ${seconds(m((t) => t.checkout)).padStart(10)} ${seconds(m((t) => t.install)).padStart(10)} ${seconds(m((t) => t.engine)).padStart(10)} ${seconds(other).padStart(10)}`,
    );
  }
  console.log("");
  console.log(
    `  outside the jobs (reading and parsing the workflows, job setup, tokens): ${seconds(runnerMedian - jobSum)}`,
  );
  console.log(
    "  install: none — jobs check out their workflow's commit (release/ only) and run the bundle with the runner's Node (before the bundled release: setup-node + `npm ci`, ~640 MB, ~50 s per job on GitHub)",
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
