import { describe, expect, it } from "vitest";
import { checkDispatchWorkflow } from "./check-dispatch-workflow.js";
import { pinDispatchWorkflow } from "./pin-dispatch-template.js";

const APP = "automated-assistant-systems/task-assistant/.github/workflows";

/** A dispatcher pinned to `ref`; `engineOverrides` replaces single lines of an engine's job. */
function aDispatcher(ref = "v1.4.0", tweak: (text: string) => string = (text) => text): string {
  const engine = (name: string, extra = "") => `
  ${name}:
    needs: [plan, preflight]
    if: needs.plan.outputs.mode == 'x' && needs.preflight.outputs.ok == 'true'
    uses: ${APP}/engine-${name}.yml@${ref}
    with:
      target_repo: \${{ github.repository }}
      engine_ref: ${ref}${extra}`;
  return tweak(`name: task-assistant
on: [workflow_dispatch]
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - id: workflow
        run: read job_workflow_sha from "$ACTIONS_ID_TOKEN_REQUEST_URL"
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
        with:
          repository: automated-assistant-systems/task-assistant
          ref: \${{ steps.workflow.outputs.sha }}
      - run: node release/task-assistant.mjs dispatch plan --event "$E" --engine-ref ${ref}
  preflight:
    needs: plan
    uses: ${APP}/engine-preflight.yml@${ref}
    with:
      target_repo: \${{ github.repository }}
      engine_ref: ${ref}
${["validate", "materialize", "enforce", "reconcile", "self-test", "dashboard"].map((name) => engine(name)).join("\n")}
`);
}

const check = (text: string, options = {}) => checkDispatchWorkflow(text, "dispatch.yml", options);

describe("checkDispatchWorkflow", () => {
  it("accepts a dispatcher pinned everywhere to one release", () => {
    expect(check(aDispatcher())).toEqual({ ref: "v1.4.0", problems: [] });
  });

  it("refuses an engine pinned to another ref than the rest", () => {
    const text = aDispatcher("v1.4.0", (t) =>
      t.replace("engine-enforce.yml@v1.4.0", "engine-enforce.yml@v1.3.0"),
    );
    const { problems } = check(text);
    expect(problems.map((p) => p.path)).toEqual(["/jobs/enforce/uses", "/jobs/enforce/with/engine_ref"]);
    expect(problems[0].message).toContain("pinned to v1.3.0, not to v1.4.0");
  });

  it("refuses an engine_ref that differs from the uses: pin (the installer drift of old)", () => {
    const text = aDispatcher("v1.4.0", (t) =>
      t.replace(/(engine-validate\.yml@v1\.4\.0[\s\S]*?engine_ref: )v1\.4\.0/, "$1v1.3.9"),
    );
    const { problems } = check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "/jobs/validate/with/engine_ref" });
  });

  it("refuses a floating ref and ref: main", () => {
    const { problems } = check(aDispatcher("main"));
    expect(problems.some((p) => p.message.includes("marketplace runs never use floating refs"))).toBe(true);
  });

  it("refuses a plan job that checks out a ref instead of the workflow's commit, or installs", () => {
    const atRef = aDispatcher("v1.4.0", (t) =>
      t.replace("ref: ${{ steps.workflow.outputs.sha }}", "ref: v1.4.0"),
    );
    expect(check(atRef).problems.map((p) => p.path)).toEqual(["/jobs/plan/steps/1/with/ref"]);
    const installs = aDispatcher("v1.4.0", (t) =>
      t.replace("      - run: node release", "      - run: npm ci\n      - run: node release"),
    );
    expect(check(installs).problems.map((p) => p.message)).toEqual([
      "the job installs packages: the release is one bundled file and jobs install nothing",
    ]);
  });

  it("allows a branch when asked to (development installs)", () => {
    expect(check(aDispatcher("feature-x"), { allowFloatingRef: true }).problems).toEqual([]);
  });

  it("refuses an expression in uses:", () => {
    const { problems } = check(aDispatcher("${{ inputs.ref }}"));
    expect(problems.some((p) => p.message.startsWith("uses: must carry a literal ref"))).toBe(true);
  });

  it("refuses a release other than the expected one", () => {
    const { problems } = check(aDispatcher("v1.4.0"), { expectedRef: "v1.5.0" });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.message.includes("v1.5.0") || p.message.includes("v1.4.0"))).toBe(true);
  });

  it("refuses an engine that does not wait for preflight", () => {
    const text = aDispatcher("v1.4.0", (t) =>
      t.replace(
        "needs: [plan, preflight]\n    if: needs.plan.outputs.mode == 'x' && needs.preflight.outputs.ok == 'true'\n    uses: " +
          `${APP}/engine-validate`,
        "needs: [plan]\n    uses: " + `${APP}/engine-validate`,
      ),
    );
    expect(check(text).problems.map((p) => p.message)).toEqual([
      "engine validate must wait for preflight and run only if it passed",
    ]);
  });

  it("refuses a plan made with another engine_ref", () => {
    const text = aDispatcher("v1.4.0", (t) => t.replace("--engine-ref v1.4.0", "--engine-ref v1.3.0"));
    expect(check(text).problems.map((p) => p.path)).toEqual(["/jobs/plan/steps/2/run"]);
  });

  it("refuses a missing engine and a call to an unknown workflow", () => {
    const text = aDispatcher("v1.4.0", (t) =>
      t.replace(`${APP}/engine-dashboard.yml`, "someone/else/.github/workflows/x.yml"),
    );
    const messages = check(text).problems.map((p) => p.message);
    expect(messages).toContain(
      "engine dashboard is called 0 times; the dispatcher calls each engine exactly once",
    );
    expect(messages.some((m) => m.includes("someone/else"))).toBe(true);
  });

  it("checks each call's inputs against the engine workflow's", () => {
    const { problems } = check(aDispatcher(), {
      engineInputs: {
        validate: { declared: ["target_repo", "engine_ref", "telemetry_repo"], required: ["telemetry_repo"] },
      },
    });
    expect(problems.map((p) => p.message)).toEqual(['engine-validate.yml requires input "telemetry_repo"']);
  });

  it("refuses a host that passes a token broker, by input, secret or env", () => {
    const text = aDispatcher("v1.4.0", (t) =>
      t
        .replace(
          /(engine-enforce\.yml@v1\.4\.0\n {4}with:\n)/,
          "$1      token_broker_url: https://broker.host.example\n",
        )
        .replace(/( {2}validate:\n)/, "$1    secrets:\n      broker: ${{ secrets.BROKER }}\n")
        .replace("jobs:\n", "env:\n  TA_TOKEN_BROKER_URL: https://broker.host.example\njobs:\n"),
    );
    const problems = check(text).problems.filter((p) => /broker/i.test(p.message));
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        "/env/TA_TOKEN_BROKER_URL",
        "/jobs/enforce/with/token_broker_url",
        "/jobs/validate/secrets/broker",
      ].sort(),
    );
    expect(problems.every((p) => p.file === "dispatch.yml" && (p.line ?? 0) > 0)).toBe(true);
  });
});

describe("pinDispatchWorkflow", () => {
  it("moves every pin and every engine_ref together, and nothing else", () => {
    const before = aDispatcher("v1.4.0");
    const after = pinDispatchWorkflow(before, "v2.0.0-rc.1");
    expect(check(after, { expectedRef: "v2.0.0-rc.1" }).problems).toEqual([]);
    expect(after.replaceAll("v2.0.0-rc.1", "v1.4.0")).toBe(before);
  });
});
