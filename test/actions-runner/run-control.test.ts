import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConcurrencyGroups } from "../../src/actions-runner/concurrency-groups.js";
import { rerun, runWorkflow, startWorkflowRun } from "../../src/actions-runner/run-workflow.js";
import type { JobResult, RunResult } from "../../src/actions-runner/run-types.js";
import { aRunnerFixture, type RunnerFixture } from "./runner-fixture.js";

let fixture: RunnerFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

function job(run: RunResult, key: string): JobResult {
  const all = (jobs: JobResult[]): JobResult[] => jobs.flatMap((one) => [one, ...all(one.jobs)]);
  const found = all(run.jobs).find((one) => one.key === key);
  if (!found)
    throw new Error(
      `no job ${key} in ${all(run.jobs)
        .map((one) => one.key)
        .join(", ")}`,
    );
  return found;
}

/** Running, as opposed to gone or a zombie waiting for its reaper (a killed orphan may stay one). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

async function waitForFile(path: string): Promise<string> {
  for (;;) {
    const text = await readFile(path, "utf8").catch(() => "");
    if (text.trim() !== "") return text.trim();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("cancellation, timeouts, concurrency, matrices and re-runs", () => {
  it("timeoutMinuteMs shortens every timeout-minutes alike: a job's 15 minutes and a step's 10 expire in ms", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
jobs:
  job-limit:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - run: sleep 300
  step-limit:
    runs-on: ubuntu-latest
    steps:
      - run: sleep 300
        timeout-minutes: 10
`,
    });
    const run = await runWorkflow(fixture.options({ timeoutMinuteMs: 20 }));
    expect(job(run, "job-limit").reason).toBe("the job exceeded its timeout of 0.3 s");
    expect(job(run, "step-limit").steps[0]?.log).toContain("the step exceeded its timeout and was stopped");
  });

  it("a timeout kills the step's whole process group, then always() and failure() steps run", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - run: |
          sleep 300 &
          echo $! > "${"$"}{PIDS_DIR}/child.pid"
          sleep 300
        env:
          PIDS_DIR: \${{ github.workspace }}/..
      - if: always()
        run: echo "cleanup ran; job.status=\${{ job.status }}"
      - run: echo "never"
`,
    });
    const run = await runWorkflow(fixture.options());
    const slow = job(run, "slow");
    expect(slow.result).toBe("failure");
    expect(slow.reason).toContain("exceeded its timeout");
    expect(slow.steps.map((step) => step.conclusion)).toEqual(["failure", "success", "skipped"]);
    expect(slow.steps[1]?.log).toContain("cleanup ran");
    const child = Number(await readFile(join(fixture.dir, "work", "run-42-1", "slow", "child.pid"), "utf8"));
    // SIGKILL is delivered asynchronously: give the kernel a moment, without timing the assertion.
    for (let tries = 0; tries < 100 && (await isRunning(child)); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await isRunning(child)).toBe(false);
  });

  it("cancelling a run stops the running step, runs cancelled() steps and skips jobs not started", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: echo started > "$RUNNER_TEMP/../../started" && sleep 300
      - if: cancelled()
        run: echo "saw the cancellation"
      - run: echo "not after a cancellation"
  later:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
    });
    const handle = startWorkflowRun(fixture.options());
    await waitForFile(join(fixture.dir, "work", "run-42-1", "started"));
    handle.cancel();
    const run = await handle.result;
    expect(run.conclusion).toBe("cancelled");
    expect(job(run, "long").result).toBe("cancelled");
    expect(job(run, "long").steps.map((step) => step.conclusion)).toEqual([
      "cancelled",
      "success",
      "skipped",
    ]);
    expect(job(run, "later").result).toBe("cancelled");
  });

  it("keeps one running and one pending run per concurrency group; a newer pending run cancels the older one", async () => {
    const workflow = `
on: push
concurrency: deploy-\${{ github.repository }}
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$GITHUB_RUN_ID" >> "$RUNNER_TEMP/../../../order"; test "$GITHUB_RUN_ID" != 1 || { echo x > "$RUNNER_TEMP/../../../first-started"; while [ ! -e "$RUNNER_TEMP/../../../release" ]; do sleep 0.05; done; }
`;
    fixture = await aRunnerFixture({ ".github/workflows/main.yml": workflow });
    const groups = new ConcurrencyGroups();
    const first = startWorkflowRun(fixture.options({ runId: 1, concurrency: groups }));
    await waitForFile(join(fixture.dir, "work", "first-started"));
    // The third run starts once the second is queued, so the order of the two is the test's, not the scheduler's.
    let queued!: () => void;
    const secondQueued = new Promise<void>((resolve) => (queued = resolve));
    const second = startWorkflowRun(
      fixture.options({
        runId: 2,
        concurrency: groups,
        log: (line) => {
          if (line.includes(": waiting")) queued();
        },
      }),
    );
    await secondQueued;
    const third = startWorkflowRun(fixture.options({ runId: 3, concurrency: groups }));
    expect((await second.result).conclusion).toBe("cancelled");
    await writeFile(join(fixture.dir, "work", "release"), "");
    expect((await first.result).conclusion).toBe("success");
    expect((await third.result).conclusion).toBe("success");
    expect((await readFile(join(fixture.dir, "work", "order"), "utf8")).trim().split("\n")).toEqual([
      "1",
      "3",
    ]);
  });

  it("expands strategy.matrix with include and exclude", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [18, 20]
        os: [linux, mac]
        exclude:
          - { node: 18, os: mac }
        include:
          - { node: 20, extra: yes }
    steps:
      - run: echo "node=\${{ matrix.node }} os=\${{ matrix.os }} extra=\${{ matrix.extra }}"
`,
    });
    const run = await runWorkflow(fixture.options());
    const build = job(run, "build");
    expect(build.jobs.map((one) => one.name)).toEqual([
      "build (18, linux)",
      "build (20, linux, yes)",
      "build (20, mac, yes)",
    ]);
    expect(build.jobs[1]?.steps[0]?.log).toContain("node=20 os=linux extra=yes");
  });

  it("re-runs failed jobs with run_attempt + 1, reusing the outputs of jobs that succeeded", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      id: \${{ steps.id.outputs.id }}
    steps:
      - id: id
        run: echo "id=$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT" >> "$GITHUB_OUTPUT"
  engine:
    needs: plan
    runs-on: ubuntu-latest
    steps:
      - run: echo "correlation=\${{ needs.plan.outputs.id }} attempt=\${{ github.run_attempt }}"; test "$GITHUB_RUN_ATTEMPT" -gt 1
`,
    });
    const first = await runWorkflow(fixture.options());
    expect(first.conclusion).toBe("failure");
    const failedOnly = await rerun(first, { failedOnly: true }).result;
    expect(failedOnly.runAttempt).toBe(2);
    expect(failedOnly.conclusion).toBe("success");
    expect(job(failedOnly, "plan")).toMatchObject({ reused: true, outputs: { id: "42-1" } });
    expect(job(failedOnly, "engine").steps[0]?.log).toContain("correlation=42-1 attempt=2");
    const all = await rerun(failedOnly, { failedOnly: false }).result;
    expect(all.runAttempt).toBe(3);
    expect(job(all, "plan")).toMatchObject({ reused: false, outputs: { id: "42-3" } });
  });
});
