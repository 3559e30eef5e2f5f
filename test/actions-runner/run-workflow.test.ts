import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { runWorkflow } from "../../src/actions-runner/run-workflow.js";
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

describe("runWorkflow", () => {
  it("runs jobs in needs order, passes outputs and applies if: with status functions", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
name: main
on: push
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.say.outputs.greeting }}
    steps:
      - id: say
        run: echo "greeting=hello from $GITHUB_JOB" >> "$GITHUB_OUTPUT"
  broken:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo "got \${{ needs.first.outputs.greeting }}"; exit 3
  after-broken:
    needs: broken
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  on-failure:
    needs: broken
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: echo "cleaning up after \${{ needs.broken.result }}"
  always:
    needs: [after-broken]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "after-broken was \${{ needs.after-broken.result }}"
`,
    });
    const run = await runWorkflow(fixture.options());
    expect(run.conclusion).toBe("failure");
    expect(job(run, "first")).toMatchObject({ result: "success", outputs: { greeting: "hello from first" } });
    expect(job(run, "broken").result).toBe("failure");
    expect(job(run, "broken").steps[0]?.log).toContain("got hello from first");
    expect(job(run, "after-broken").result).toBe("skipped");
    expect(job(run, "on-failure").result).toBe("success");
    expect(job(run, "on-failure").steps[0]?.log).toContain("cleaning up after failure");
    expect(job(run, "always").steps[0]?.log).toContain("after-broken was skipped");
    expect(run.log).toMatch(/\[broken\] ✗ Run echo "got .*\(failure, \d+\.\d s\)/);
  });

  it("gives steps working-directory, env, shell, continue-on-error, if, GITHUB_ENV, GITHUB_PATH and a fresh workspace", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
env:
  LEVEL: workflow
jobs:
  steps:
    runs-on: ubuntu-latest
    env:
      JOB_VALUE: job-\${{ github.run_id }}
    steps:
      - run: mkdir sub && touch left-behind && echo "FROM_ENV_FILE=carried" >> "$GITHUB_ENV"
      - working-directory: sub
        run: echo "cwd=$(basename "$PWD") level=$LEVEL job=$JOB_VALUE step=$STEP_VALUE file=$FROM_ENV_FILE"
        env:
          STEP_VALUE: step
      - shell: sh
        run: echo "temp=$RUNNER_TEMP" && test -d "$RUNNER_TEMP" && test -n "$GITHUB_STEP_SUMMARY" && echo "# summary" >> "$GITHUB_STEP_SUMMARY"
      - id: soft
        continue-on-error: true
        run: exit 1
      - if: steps.soft.outcome == 'failure' && steps.soft.conclusion == 'success'
        run: echo "soft failure seen; repo=$GITHUB_REPOSITORY sha=$GITHUB_SHA attempt=$GITHUB_RUN_ATTEMPT"
      - if: failure()
        run: echo "not reached"
  fresh:
    needs: steps
    runs-on: ubuntu-latest
    steps:
      - run: test ! -e left-behind && echo "workspace is fresh"
`,
    });
    const run = await runWorkflow(fixture.options());
    const steps = job(run, "steps").steps;
    expect(run.conclusion).toBe("success");
    expect(steps[1]?.log).toContain("cwd=sub level=workflow job=job-42 step=step file=carried");
    expect(steps[3]).toMatchObject({ outcome: "failure", conclusion: "success" });
    expect(steps[4]?.log).toContain(`soft failure seen; repo=acme/app sha=${"a".repeat(40)} attempt=1`);
    expect(steps[5]?.conclusion).toBe("skipped");
    expect(job(run, "fresh").steps[0]?.log).toContain("workspace is fresh");
  });

  it("calls a local reusable workflow with with:, secrets: and outputs:, nested two levels", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `
on: push
permissions:
  contents: read
jobs:
  call:
    uses: ./.github/workflows/middle.yml
    with:
      who: world
    secrets:
      api-key: s3cret
  use:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo "middle said \${{ needs.call.outputs.message }}"
`,
      ".github/workflows/middle.yml": `
on:
  workflow_call:
    inputs:
      who: { type: string, required: true }
      loud: { type: boolean, default: true }
    secrets:
      api-key: { required: true }
    outputs:
      message:
        value: \${{ jobs.inner.outputs.message }}
jobs:
  inner:
    uses: ./.github/workflows/leaf.yml
    with:
      text: hello \${{ inputs.who }} loud=\${{ inputs.loud }}
    secrets: inherit
`,
      ".github/workflows/leaf.yml": `
on:
  workflow_call:
    inputs:
      text: { type: string, required: true }
    outputs:
      message:
        value: \${{ jobs.say.outputs.message }}
jobs:
  say:
    runs-on: ubuntu-latest
    outputs:
      message: \${{ steps.say.outputs.message }}
    steps:
      - id: say
        env:
          KEY: \${{ secrets.api-key }}
        run: echo "message=\${{ inputs.text }} key-length=\${#KEY}" >> "$GITHUB_OUTPUT"
`,
    });
    const run = await runWorkflow(fixture.options());
    expect(run.conclusion).toBe("success");
    expect(job(run, "call/inner/say")).toMatchObject({ name: "call / inner / say", result: "success" });
    expect(job(run, "call").outputs).toEqual({ message: "hello world loud=true key-length=6" });
    expect(job(run, "use").steps[0]?.log).toContain("middle said hello world loud=true key-length=6");
  });

  it("refuses a call with an input, secret or output the reusable workflow does not declare, naming file:line:col", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with:
      made_up: 1
    secrets:
      invented: x
  use:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ needs.call.outputs.nothing }}
`,
      ".github/workflows/called.yml": `on:
  workflow_call:
    inputs:
      real: { type: string, required: false }
    outputs:
      something:
        value: x
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: "true"
`,
    });
    const error = await runWorkflow(fixture.options()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: ".github/workflows/main.yml",
          line: 6,
          col: 16,
          message: "Invalid input, made_up is not defined in the referenced workflow.",
        }),
        expect.objectContaining({
          line: 8,
          message: "Invalid secret, invented is not defined in the referenced workflow.",
        }),
      ]),
    );
    // The output check runs once the parser's own checks pass.
    await fixture.cleanup();
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
  use:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ needs.call.outputs.nothing }}
`,
      ".github/workflows/called.yml": `on:
  workflow_call:
    outputs:
      something:
        value: \${{ jobs.j.outputs.missing }}
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: "true"
`,
    });
    const wiring = await runWorkflow(fixture.options()).catch((caught: unknown) => caught);
    expect((wiring as ValidationError).problems).toEqual([
      expect.objectContaining({
        file: ".github/workflows/main.yml",
        line: 9,
        message: expect.stringContaining(
          "needs.call.outputs.nothing: the reusable workflow ./.github/workflows/called.yml does not declare output nothing",
        ),
      }),
    ]);
  });

  it("fails a called job that asks for more permissions than its caller grants, in GitHub's words", async () => {
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": `on: push
jobs:
  call:
    uses: ./.github/workflows/called.yml
    permissions:
      contents: read
`,
      ".github/workflows/called.yml": `on: workflow_call
permissions:
  contents: read
  id-token: write
jobs:
  engine:
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
    });
    const run = await runWorkflow(fixture.options());
    expect(job(run, "call/engine")).toMatchObject({
      result: "failure",
      reason:
        "The nested job 'engine' is requesting 'id-token: write', but is only allowed 'id-token: none'.",
      steps: [],
    });
  });

  it("refuses reusable workflows nested deeper than the level limit", async () => {
    const calls = (next: string) => `on: workflow_call
jobs:
  next:
    uses: ./.github/workflows/${next}.yml
`;
    fixture = await aRunnerFixture({
      ".github/workflows/main.yml": "on: push\njobs:\n  next:\n    uses: ./.github/workflows/one.yml\n",
      ".github/workflows/one.yml": calls("two"),
      ".github/workflows/two.yml": calls("three"),
      ".github/workflows/three.yml":
        "on: workflow_call\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: echo deep\n",
    });
    const deep = await runWorkflow(fixture.options({ maxWorkflowLevels: 3 }));
    expect(job(deep, "next/next").reason).toContain("Reusable workflows are not allowed");
    const allowed = await runWorkflow(fixture.options({ maxWorkflowLevels: 4, runId: 43 }));
    expect(job(allowed, "next/next/next/j").steps[0]?.log).toContain("deep");
  });
});
