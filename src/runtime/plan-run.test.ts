import { describe, expect, it } from "vitest";
import { planRun, type PlanOptions } from "./plan-run.js";
import { isRefusal, type Refusal, type RunPlan } from "./run-plan.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function options(overrides: Partial<PlanOptions> = {}): PlanOptions {
  return {
    target_repo: "acme/widgets",
    engine_ref: "v1.4.0",
    newId: () => "01JD0000000000000000000000",
    ...overrides,
  };
}

function plan(event: string, payload: unknown, overrides: Partial<PlanOptions> = {}): RunPlan {
  const result = planRun(event, payload, options(overrides));
  if (isRefusal(result))
    throw new Error(`expected a plan, got a refusal: ${result.field}: ${result.message}`);
  return result;
}

function refusal(event: string, payload: unknown, overrides: Partial<PlanOptions> = {}): Refusal {
  const result = planRun(event, payload, options(overrides));
  if (!isRefusal(result)) throw new Error(`expected a refusal, got a ${result.mode} plan`);
  return result;
}

const anIssuesEvent = (action: string, extra: Record<string, unknown> = {}) => ({
  action,
  issue: { number: 12 },
  sender: { login: "octocat" },
  repository: { full_name: "acme/widgets" },
  ...extra,
});

describe("planRun: event → mode → engines", () => {
  it("validates a pushed config change at the pushed commit", () => {
    const result = plan("push", {
      after: SHA,
      commits: [{ added: [], modified: [".github/task-assistant.yml"], removed: [] }],
    });
    expect(result).toMatchObject({
      mode: "validate",
      engines: ["preflight", "validate"],
      config_ref: SHA,
      trigger: "push",
    });
  });

  it("refuses a push that does not touch the config, naming the commits", () => {
    const result = refusal("push", {
      after: SHA,
      commits: [{ added: ["README.md"], modified: [], removed: [] }],
    });
    expect(result.field).toBe("payload.commits");
    expect(result.message).toContain(".github/task-assistant.yml");
  });

  it("trusts the workflow's path filter when the push lists 20 commits (GitHub truncates the list)", () => {
    const commits = Array.from({ length: 20 }, () => ({ added: [], modified: ["src/x.ts"], removed: [] }));
    expect(plan("push", { after: SHA, commits }).mode).toBe("validate");
  });

  it("validates a push to the default branch, and refuses one to another branch: its pull request validates it", () => {
    const touched = {
      after: SHA,
      commits: [{ added: [], modified: [".github/task-assistant.yml"], removed: [] }],
    };
    const onMain = { ...touched, ref: "refs/heads/main", repository: { default_branch: "main" } };
    expect(plan("push", onMain).mode).toBe("validate");
    const onTopic = refusal("push", { ...onMain, ref: "refs/heads/tweak-config" });
    expect(onTopic.field).toBe("payload.ref");
    expect(onTopic.message).toContain("not to the default branch main");
    expect(refusal("push", { ...onMain, ref: "refs/tags/v1" }).field).toBe("payload.ref");
  });

  it("refuses a push that deleted its branch", () => {
    expect(refusal("push", { deleted: true, commits: [] }).field).toBe("payload.deleted");
  });

  it("validates a config proposed in a pull request at its head commit", () => {
    const result = plan("pull_request", { action: "synchronize", pull_request: { head: { sha: SHA } } });
    expect(result).toMatchObject({ mode: "validate", config_ref: SHA, trigger: "pull_request.synchronize" });
  });

  it("refuses a closed pull request by its action", () => {
    const result = refusal("pull_request", { action: "closed", pull_request: { head: { sha: SHA } } });
    expect(result).toMatchObject({ field: "payload.action" });
    expect(result.message).toContain('"closed"');
  });

  it("validates on schedule, reading the default branch", () => {
    const result = plan("schedule", { schedule: "0 3 * * *" });
    expect(result.mode).toBe("validate");
    expect(result.config_ref).toBeUndefined();
  });

  it.each([
    ["self-test", ["preflight", "self-test", "dashboard"]],
    ["validate", ["preflight", "validate"]],
    ["materialize", ["preflight", "materialize"]],
  ])("runs the chosen mode %s for workflow_dispatch", (mode, engines) => {
    expect(plan("workflow_dispatch", { inputs: { mode } }).engines).toEqual(engines);
  });

  it("lets --mode choose the workflow_dispatch mode over the input", () => {
    expect(plan("workflow_dispatch", { inputs: { mode: "validate" } }, { mode: "materialize" }).mode).toBe(
      "materialize",
    );
  });

  it("refuses enforce by hand: it needs an issue event", () => {
    const result = refusal("workflow_dispatch", { inputs: { mode: "enforce" } });
    expect(result).toMatchObject({ field: "payload.inputs.mode" });
  });

  it("refuses workflow_dispatch without any mode", () => {
    expect(refusal("workflow_dispatch", { inputs: {} }).field).toBe("payload.inputs.mode");
  });

  it.each(["opened", "reopened", "labeled", "unlabeled", "milestoned", "demilestoned"])(
    "enforces issue #12 on issues.%s",
    (action) => {
      expect(plan("issues", anIssuesEvent(action))).toMatchObject({
        mode: "enforce",
        engines: ["preflight", "enforce"],
        issue_number: 12,
        trigger: `issues.${action}`,
      });
    },
  );

  it("reconciles on the reconcile schedule and by hand; other schedules validate", () => {
    expect(plan("schedule", { schedule: "41 * * * *" })).toMatchObject({
      mode: "reconcile",
      engines: ["preflight", "reconcile"],
      trigger: "schedule",
    });
    expect(plan("schedule", { schedule: "17 3 * * *" }).mode).toBe("validate");
    expect(plan("workflow_dispatch", { inputs: { mode: "reconcile" } })).toMatchObject({
      mode: "reconcile",
      engines: ["preflight", "reconcile"],
    });
  });

  it("carries the label an issues.labeled event added, for enforce's strategy latest", () => {
    const labeled = plan("issues", anIssuesEvent("labeled", { label: { name: "workflow::review" } }));
    expect(labeled.label_added).toBe("workflow::review");
    // Only labeled names an added label; other actions (and a labeled event without one) carry none.
    const unlabeled = plan("issues", anIssuesEvent("unlabeled", { label: { name: "workflow::review" } }));
    expect(unlabeled).not.toHaveProperty("label_added");
    expect(plan("issues", anIssuesEvent("labeled"))).not.toHaveProperty("label_added");
  });

  it("refuses issues actions that cannot change labels or milestones", () => {
    expect(refusal("issues", anIssuesEvent("edited"))).toMatchObject({ field: "payload.action" });
  });

  it("does not enforce again on an event its own bot caused (loop guard)", () => {
    const result = refusal(
      "issues",
      anIssuesEvent("unlabeled", { sender: { login: "task-assistant[bot]" } }),
      {
        app_slug: "task-assistant",
      },
    );
    expect(result.field).toBe("sender");
    expect(result.message).toContain("loop guard");
  });

  it("enforces events from another App's bot", () => {
    const result = plan("issues", anIssuesEvent("labeled", { sender: { login: "dependabot[bot]" } }), {
      app_slug: "task-assistant",
    });
    expect(result.mode).toBe("enforce");
  });

  it("refuses any other event by name", () => {
    const result = refusal("release", { action: "published" });
    expect(result.field).toBe("event");
    expect(result.message).toContain('"release"');
  });

  it("refuses --mode on an event that decides its own mode", () => {
    expect(refusal("schedule", {}, { mode: "materialize" }).field).toBe("--mode");
  });

  it("refuses an event from another repository than the one dispatched", () => {
    const result = refusal("issues", {
      ...anIssuesEvent("labeled"),
      repository: { full_name: "acme/other" },
    });
    expect(result.field).toBe("payload.repository.full_name");
  });

  it("refuses a target that is not owner/repo", () => {
    expect(refusal("schedule", {}, { target_repo: "acme" }).field).toBe("target_repo");
    expect(refusal("schedule", {}, { target_repo: "acme/../x" }).field).toBe("target_repo");
  });

  it("refuses a payload that is not an object", () => {
    expect(refusal("schedule", [1, 2]).field).toBe("payload");
  });
});

describe("planRun: correlation ids", () => {
  it("trims a supplied id and keeps it otherwise as typed", () => {
    const result = plan("schedule", {}, { correlation_id: "  nightly-2026.11.21_a " });
    expect(result).toMatchObject({ correlation_id: "nightly-2026.11.21_a", correlation_source: "supplied" });
  });

  it("takes the workflow_dispatch input id, but --correlation-id wins", () => {
    const payload = { inputs: { mode: "validate", correlation_id: "from-input" } };
    expect(plan("workflow_dispatch", payload).correlation_id).toBe("from-input");
    expect(plan("workflow_dispatch", payload, { correlation_id: "from-flag" }).correlation_id).toBe(
      "from-flag",
    );
  });

  it.each([
    ["../escape", "correlation_id"],
    ["a/b", "correlation_id"],
    ["-leading", "correlation_id"],
    ["x".repeat(129), "correlation_id"],
    ["   ", "correlation_id"],
  ])("refuses the unsafe id %j, naming the field", (id, field) => {
    const result = refusal("schedule", {}, { correlation_id: id });
    expect(result.field).toBe(field);
    expect(result.hint).toContain("letters, digits");
  });

  it("uses <run_id>-<run_attempt> on GitHub Actions", () => {
    const result = plan("schedule", {}, { actions_run: { run_id: "9187", run_attempt: "2" } });
    expect(result).toMatchObject({ correlation_id: "9187-2", correlation_source: "actions-run" });
  });

  it("generates an id locally from the injected source", () => {
    const result = plan("schedule", {}, { newId: () => "01JDAX5Q7Z6K4M3N2P1R0S9T8V" });
    expect(result).toMatchObject({
      correlation_id: "01JDAX5Q7Z6K4M3N2P1R0S9T8V",
      correlation_source: "generated",
    });
  });
});

describe("planRun: engine_ref", () => {
  it("carries one engine_ref and its policy verdict for every engine", () => {
    const result = plan(
      "workflow_dispatch",
      { inputs: { mode: "self-test" } },
      { engine_ref: "v2.0.0-rc.1" },
    );
    expect(result).toMatchObject({
      engine_ref: "v2.0.0-rc.1",
      runtime_mode: "marketplace",
      engine_ref_policy: { ok: true },
    });
  });

  it("plans a floating ref in marketplace mode but marks it, so preflight fails and records why", () => {
    const result = plan("schedule", {}, { engine_ref: "main" });
    expect(result.engine_ref_policy).toMatchObject({ ok: false });
    expect(result.engine_ref_policy.ok ? "" : result.engine_ref_policy.reason).toContain('"main"');
  });

  it("accepts a branch in development mode", () => {
    const result = plan("schedule", {}, { engine_ref: "feature/x", runtime_mode: "development" });
    expect(result).toMatchObject({ runtime_mode: "development", engine_ref_policy: { ok: true } });
  });

  it("refuses an empty engine_ref", () => {
    expect(refusal("schedule", {}, { engine_ref: " " }).field).toBe("engine_ref");
  });
});
