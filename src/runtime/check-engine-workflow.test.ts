import { describe, expect, it } from "vitest";
import { checkEngineWorkflow, engineWorkflowInputs } from "./check-engine-workflow.js";

/** The steps after the engine's: a second checkout when the first failed, and the failure recorder. */
const RECORDER = `      - id: checkout_again
        if: (failure() || cancelled()) && steps.checkout.outcome != 'success'
        uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
        with:
          repository: automated-assistant-systems/task-assistant
          ref: \${{ steps.workflow.outputs.sha }}
      - if: (failure() || cancelled()) && (steps.checkout.outcome == 'success' || steps.checkout_again.outcome == 'success')
        run: node release/task-assistant.mjs engine run validate --target-repo x --record-failure "$CAUSE"
`;

/** A minimal engine workflow that satisfies every rule; tests break one rule at a time. */
function anEngineWorkflow(
  overrides: {
    on?: string;
    permissions?: string;
    checkoutRef?: string;
    run?: string;
    recorder?: string;
  } = {},
) {
  return `name: engine-validate
on:
${
  overrides.on ??
  `  workflow_call:
    inputs:
      target_repo: { required: true, type: string }
      telemetry_repo: { required: true, type: string }
      correlation_id: { required: true, type: string }
      engine_ref: { required: true, type: string }`
}
permissions:
${overrides.permissions ?? "  contents: read\n  id-token: write"}
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - id: workflow
        run: read job_workflow_sha from "$ACTIONS_ID_TOKEN_REQUEST_URL"
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
        with:
          repository: automated-assistant-systems/task-assistant
          ref: ${overrides.checkoutRef ?? "${{ steps.workflow.outputs.sha }}"}
        id: checkout
      - run: ${overrides.run ?? "node release/task-assistant.mjs engine run validate --target-repo x"}
${overrides.recorder ?? RECORDER}`;
}

const check = (text: string) => checkEngineWorkflow("validate", text, "engine-validate.yml");

describe("checkEngineWorkflow", () => {
  it("accepts a workflow that follows every rule", () => {
    expect(check(anEngineWorkflow())).toEqual([]);
  });

  it("refuses any trigger but workflow_call, pointing at it", () => {
    const text = anEngineWorkflow({
      on: `  push:
    branches: [main]
  workflow_call:
    inputs:
      target_repo: { required: true, type: string }
      telemetry_repo: { required: true, type: string }
      correlation_id: { required: true, type: string }
      engine_ref: { required: true, type: string }`,
    });
    const problems = check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "/on/push", file: "engine-validate.yml", line: 4 });
    expect(problems[0].message).toContain('"push"');
  });

  it("names each missing or optional required input", () => {
    const problems = check(
      anEngineWorkflow({
        on: `  workflow_call:
    inputs:
      target_repo: { required: true, type: string }
      correlation_id: { required: false, type: string }
      engine_ref: { required: true, type: number }`,
      }),
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      "/on/workflow_call/inputs/telemetry_repo",
      "/on/workflow_call/inputs/correlation_id/required",
      "/on/workflow_call/inputs/engine_ref/type",
    ]);
  });

  it("does not require telemetry_repo of preflight, which resolves it", () => {
    const text = anEngineWorkflow({
      on: `  workflow_call:
    inputs:
      target_repo: { required: true, type: string }
      correlation_id: { required: true, type: string }
      engine_ref: { required: true, type: string }`,
      run: "node dist/cli/bin.js engine run preflight",
    });
    expect(checkEngineWorkflow("preflight", text, "engine-preflight.yml")).toEqual([]);
  });

  it("refuses a checkout at main or at the caller's engine_ref: the code run is the workflow's own commit", () => {
    for (const ref of ["main", "${{ inputs.engine_ref }}", "${{ steps.other.outputs.sha }}"]) {
      const problems = check(anEngineWorkflow({ checkoutRef: ref }));
      expect(problems, ref).toHaveLength(1);
      expect(problems[0]).toMatchObject({ path: "/jobs/validate/steps/1/with/ref", line: 21 });
      expect(problems[0].message).toContain("the commit of the workflow being run (job_workflow_sha)");
    }
  });

  it("refuses setting up Node.js or installing packages: jobs run the bundle", () => {
    const text = anEngineWorkflow().replace(
      "      - run: node release",
      "      - uses: actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444\n      - run: npm ci --no-audit\n      - run: node release",
    );
    expect(check(text).map((p) => p.path)).toEqual([
      "/jobs/validate/steps/2/uses",
      "/jobs/validate/steps/3/run",
    ]);
  });

  it("refuses write permissions the workflow token does not need", () => {
    const problems = check(anEngineWorkflow({ permissions: "  contents: write\n  id-token: write" }));
    expect(problems.map((problem) => problem.path)).toEqual(["/permissions/contents"]);
  });

  it("refuses a workflow without a permissions block", () => {
    const text = anEngineWorkflow().replace("permissions:\n  contents: read\n  id-token: write\n", "");
    expect(check(text).map((problem) => problem.path)).toEqual(["/permissions"]);
  });

  it("requires a step that runs its own engine", () => {
    const problems = check(anEngineWorkflow({ run: "node dist/cli/bin.js engine run enforce" }));
    expect(problems.map((problem) => problem.message)).toEqual([
      "no step runs `task-assistant engine run validate`",
    ]);
  });

  it("requires a step recording the engine's failure, run on failure and on cancellation", () => {
    const none = check(anEngineWorkflow({ recorder: "" }));
    expect(none.map((p) => [p.path, p.message])).toEqual([
      [
        "/jobs/validate/steps",
        "no step records validate's failure: a job stopped before the engine records would leave no record",
      ],
    ]);
    const onFailureOnly = check(
      anEngineWorkflow({
        recorder: RECORDER.replace("- if: (failure() || cancelled()) &&", "- if: failure() &&"),
      }),
    );
    expect(onFailureOnly.map((p) => p.path)).toEqual(["/jobs/validate/steps/4/if"]);
    expect(onFailureOnly[0].message).toContain("when the job failed and when it was cancelled");
  });

  it("requires a second checkout when the first did not succeed, and a recorder that runs after either", () => {
    const gatedOnFirst = check(
      anEngineWorkflow({
        recorder: RECORDER.replace(
          "(steps.checkout.outcome == 'success' || steps.checkout_again.outcome == 'success')",
          "steps.checkout.outcome == 'success'",
        ),
      }),
    );
    expect(gatedOnFirst.map((p) => [p.path, p.message])).toEqual([
      [
        "/jobs/validate/steps/4/if",
        'the step recording validate\'s failure does not look at the checkout "checkout_again": it must run after either checkout succeeded',
      ],
    ]);
    const noRetry = check(
      anEngineWorkflow({ recorder: RECORDER.slice(RECORDER.indexOf("      - if: (failure()")) }),
    );
    expect(noRetry.map((p) => p.message)).toEqual([
      "a failed checkout would leave validate without a record: no second checkout (with an id) runs before the recorder when the first (with an id) did not succeed",
    ]);
    const retryAtCallersRef = check(
      anEngineWorkflow({
        recorder: RECORDER.replace("ref: ${{ steps.workflow.outputs.sha }}", "ref: ${{ inputs.engine_ref }}"),
      }),
    );
    expect(retryAtCallersRef.map((p) => p.path)).toEqual(["/jobs/validate/steps/3/with/ref"]);
  });

  it("refuses a broker URL the caller could choose: an input, or TA_TOKEN_BROKER_URL in any env", () => {
    const withInput = anEngineWorkflow().replace(
      "engine_ref: { required: true, type: string }",
      'engine_ref: { required: true, type: string }\n      token_broker_url: { required: false, type: string, default: "" }',
    );
    expect(check(withInput).map((p) => [p.path, p.message])).toEqual([
      [
        "/on/workflow_call/inputs/token_broker_url",
        'the engine workflow takes a broker through the input "token_broker_url"',
      ],
    ]);
    const withEnv = anEngineWorkflow({
      run: "node dist/cli/bin.js engine run validate --target-repo x\n        env:\n          TA_TOKEN_BROKER_URL: ${{ vars.BROKER }}",
    }).replace("jobs:\n", "env:\n  TA_TOKEN_BROKER_URL: https://elsewhere.example\njobs:\n");
    const problems = check(withEnv);
    expect(problems.map((p) => p.path)).toEqual([
      "/env/TA_TOKEN_BROKER_URL",
      "/jobs/validate/steps/2/env/TA_TOKEN_BROKER_URL",
    ]);
    expect(problems[0].hint).toContain('package.json "taskAssistant.tokenBroker"');
  });

  it("reports YAML syntax errors with their position", () => {
    const problems = check("on: [workflow_call\njobs: {");
    expect(problems[0]).toMatchObject({ file: "engine-validate.yml", line: expect.any(Number) });
    expect(problems[0].message).toMatch(/^YAML syntax/);
  });

  it("lists declared and required inputs", () => {
    expect(engineWorkflowInputs(anEngineWorkflow(), "x.yml")).toEqual({
      declared: ["target_repo", "telemetry_repo", "correlation_id", "engine_ref"],
      required: ["target_repo", "telemetry_repo", "correlation_id", "engine_ref"],
    });
  });
});
