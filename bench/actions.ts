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
 * Then the figures per event of the Actions path: jobs that ran on a runner (GitHub bills each at
 * least a minute), seconds per job, bytes each job's checkout wrote and was sent, beside the runner's
 * own checkout of the whole app repository at the same commit, and the requests the local GitHub
 * counted, by endpoint class. Needs `npm run build` first (`dispatch` runs dist/cli/bin.js).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { runCheckout } from "../src/actions-runner/run-checkout.js";
import type { JobResult } from "../src/actions-runner/run-types.js";
import { APP_REPOSITORY } from "../src/runtime/app-repository.js";
import type { EmulatorStats } from "../test/support/local-github.js";
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

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** Bytes of the files under `path` (apparent sizes, symbolic links not followed). */
async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    total += await sizeOf(join(path, entry.name));
  }
  return total;
}

/** Files in a work tree (what the checkout wrote outside `.git`). */
async function filesIn(path: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    count += entry.isDirectory() ? await filesIn(join(path, entry.name)) : 1;
  }
  return count;
}

/** The endpoint class of a REST route template, for counting requests per event. */
function endpointClass(method: string, route: string): string {
  if (route.startsWith("/app/")) return "App: installations and token mints";
  if (/\/contents\//.test(route)) return method === "GET" ? "contents: reads" : "contents: writes";
  if (/\/git\//.test(route)) return method === "GET" ? "git data: reads" : "git data: writes";
  if (/\/(issues|labels|milestones)\b/.test(route))
    return method === "GET" ? "issues, labels, milestones: reads" : "issues, labels, milestones: writes";
  return method === "GET" ? "other reads" : "other writes";
}

/** A checkout of the app repository at `sha` by the runner's checkout code; its bytes written and sent. */
async function measureCheckout(
  world: ActionsWorld,
  workspace: string,
  sha: string,
  sparse: boolean,
): Promise<{ written: number; sent: number; files: number }> {
  const before = (await world.github.stats()).git.upload_pack_bytes;
  const { directory } = await runCheckout({
    workspace,
    gitUrl: world.github.gitUrl,
    repository: APP_REPOSITORY,
    ref: sha,
    defaultRef: undefined,
    path: "task-assistant",
    fetchDepth: 1,
    token: world.github.adminToken,
    persistCredentials: false,
    // What the engine workflows ask for: sparse-checkout: release, which implies filter: blob:none.
    ...(sparse ? { sparse: ["release"], filter: "blob:none" } : {}),
  });
  const sent = (await world.github.stats()).git.upload_pack_bytes - before;
  return { written: await sizeOf(directory), sent, files: await filesIn(directory) };
}

async function main(): Promise<void> {
  const world = await startActionsWorld();
  const work = await mkdtemp(join(tmpdir(), "bench-actions-"));
  const perEvent: Array<{ jobs: number; stats: EmulatorStats; checkouts: number[] }> = [];
  const jobSeconds: number[] = [];
  const app = world.github.seeded!.apps[0] as unknown as { id: number; private_key: string };
  const runner: number[] = [];
  const dispatch: number[] = [];
  const jobs = new Map<string, JobTimes[]>();
  let sparse: Awaited<ReturnType<typeof measureCheckout>> | undefined;
  let full: Awaited<ReturnType<typeof measureCheckout>> | undefined;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      // 1. The Actions path.
      const issue = await openTwoPhaseIssue(world);
      const workRoot = join(work, `runs-${round}`);
      await world.github.resetStats();
      let started = performance.now();
      const result = await world.dispatch(HOST, "issues", labeledPayload(issue), { workRoot });
      runner.push(performance.now() - started);
      const stats = await world.github.stats();
      if (result.conclusion !== "success") throw new Error(`the workflow run failed:\n${result.log}`);
      await assertFixed(world, issue, "the workflow run");
      // Jobs that ran steps on a runner: the caller's job and the reusable-workflow calls run none.
      const ran = allJobs(result).filter((job) => job.steps.length > 0);
      for (const job of ran) {
        jobs.set(job.key, [...(jobs.get(job.key) ?? []), jobTimes(job)]);
        jobSeconds.push(job.durationMs / 1000);
      }
      const runDir = join(workRoot, (await readdir(workRoot))[0]);
      const checkouts: number[] = [];
      for (const jobDir of await readdir(runDir)) {
        const checkout = join(runDir, jobDir, "workspace", "task-assistant");
        if (
          await stat(checkout).then(
            () => true,
            () => false,
          )
        )
          checkouts.push(await sizeOf(checkout));
      }
      perEvent.push({ jobs: ran.length, stats, checkouts });

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
    sparse = await measureCheckout(world, join(work, "sparse"), world.released, true);
    full = await measureCheckout(world, join(work, "full"), world.released, false);
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
  console.log(`  ${"job".padEnd(36)}    wall   checkout    install     engine      other`);
  let jobSum = 0;
  for (const [key, times] of jobs) {
    const m = (pick: (t: JobTimes) => number) => median(times.map(pick));
    const wall = m((t) => t.wall);
    jobSum += wall;
    const other = m((t) => t.other);
    console.log(
      `  ${key.padEnd(36)} ${seconds(wall).padStart(7)} ${seconds(m((t) => t.checkout)).padStart(10)} ${seconds(m((t) => t.install)).padStart(10)} ${seconds(m((t) => t.engine)).padStart(10)} ${seconds(other).padStart(10)}`,
    );
  }
  console.log("");
  console.log(
    `  outside the jobs (reading and parsing the workflows, job setup, tokens): ${seconds(runnerMedian - jobSum)}`,
  );
  console.log(
    "  install: none — jobs check out their workflow's commit (release/ only) and run the bundle with the runner's Node (before the bundled release: setup-node + `npm ci`, ~640 MB, ~50 s per job on GitHub, as measured earlier; not measured here)",
  );

  const last = perEvent[perEvent.length - 1];
  console.log("");
  console.log("Figures per issues.labeled event (Actions path)");
  console.log(
    `  jobs on a runner per event: ${perEvent.map((event) => event.jobs).join(", ")} (GitHub bills each job at least one minute: ${median(perEvent.map((event) => event.jobs))} billed job-minutes at least)`,
  );
  console.log(
    `  seconds per job: median ${median(jobSeconds).toFixed(2)} s, max ${Math.max(...jobSeconds).toFixed(2)} s over ${jobSeconds.length} jobs`,
  );
  console.log(
    `  bytes each job's checkout wrote (work tree + .git): ${last.checkouts.map(kib).join(", ")} (${last.checkouts.length} checkouts)`,
  );
  console.log(
    `  bytes git fetches were sent per event (the jobs' checkouts, and the runner reading the called workflows on a cold cache): ${perEvent.map((event) => kib(event.stats.git.upload_pack_bytes)).join(", ")}`,
  );
  if (sparse !== undefined && full !== undefined) {
    console.log("");
    console.log(
      "  checkout of the app repository at the release commit, by the runner's checkout   sparse release/   full",
    );
    console.log(
      `    files in the work tree                                                          ${String(sparse.files).padStart(15)} ${String(full.files).padStart(8)}`,
    );
    console.log(
      `    bytes written (work tree + .git)                                                ${kib(sparse.written).padStart(15)} ${kib(full.written).padStart(8)}`,
    );
    console.log(
      `    bytes sent by the local GitHub                                                  ${kib(sparse.sent).padStart(15)} ${kib(full.sent).padStart(8)}`,
    );
    console.log(
      "    (the full checkout is what each job checked out before the bundled release, and then ran `npm ci` in it)",
    );
  }
  console.log("");
  console.log(
    `  requests to the local GitHub per event (REST): ${perEvent.map((event) => event.stats.total).join(", ")}; content-creating: ${perEvent.map((event) => event.stats.content_creating).join(", ")}; git fetches (upload-pack POSTs): ${perEvent.map((event) => event.stats.git.upload_pack).join(", ")}; git pushes: ${perEvent.map((event) => event.stats.git.receive_pack).join(", ")}`,
  );
  const classes = new Map<string, number[]>();
  perEvent.forEach((event, round) => {
    for (const request of event.stats.requests) {
      const key = endpointClass(request.method, request.route);
      const counts = classes.get(key) ?? perEvent.map(() => 0);
      counts[round] += request.count;
      classes.set(key, counts);
    }
  });
  console.log("  by endpoint class, per round (the first with the broker's caches cold):");
  for (const [key, counts] of [...classes].sort((a, b) => b[1][0] - a[1][0]))
    console.log(`    ${key.padEnd(40)} ${counts.map((count) => String(count).padStart(4)).join(" ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
