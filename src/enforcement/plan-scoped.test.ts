import { describe, expect, it } from "vitest";
import type { HostConfig } from "../config/config-model.js";
import { validateConfig } from "../config/validate-config.js";
import { planEnforcement } from "./plan-enforcement.js";

function configWith(exclusivity: string): HostConfig {
  const result = validateConfig(
    `schema_version: "1.1"\ntracks: []\nlabels: []\nmilestones: []\nenforcement:\n  exclusivity:\n${exclusivity}`,
  );
  if (!("value" in result)) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const issue = (labels: string[]) => ({ number: 7, labels, milestone: null });

describe("scoped labels (GitLab key::value)", () => {
  const scoped = configWith("    scoped: { mode: enforce, strategy: latest }\n");

  it("keeps the label the event added and removes the others of its scope, case-insensitively", () => {
    const plan = planEnforcement(scoped, issue(["Workflow::Doing", "bug", "workflow::review", "size::S"]), {
      added: "workflow::review",
    });
    expect(plan.write).toEqual({ remove: ["Workflow::Doing"] });
    expect(plan.actions).toEqual([
      {
        id: "scoped.labels.pruned",
        scope: "workflow",
        kept: "workflow::review",
        removed: ["Workflow::Doing"],
      },
    ]);
  });

  it("takes the scope as everything before the last ::, so nested scopes coexist", () => {
    const plan = planEnforcement(
      scoped,
      issue(["workflow::backend::review", "workflow::frontend::review", "workflow::backend::done"]),
      { added: "workflow::backend::done" },
    );
    expect(plan.write).toEqual({ remove: ["workflow::backend::review"] });
  });

  it("without an added label, asks for the label events, then keeps the one added last", () => {
    const labels = ["workflow::doing", "workflow::review", "workflow::todo"];
    const first = planEnforcement(scoped, issue(labels));
    expect(first.needsLabelEvents).toBe(true);
    expect(first.write).toBeUndefined();
    const second = planEnforcement(scoped, issue(labels), {
      labelEvents: ["workflow::review", "bug", "workflow::doing", "workflow::review"],
    });
    expect(second.needsLabelEvents).toBeUndefined();
    expect(second.write).toEqual({ remove: ["workflow::doing", "workflow::todo"] });
  });

  it("with a fallback, does not need the label events", () => {
    const plan = planEnforcement(
      configWith("    scoped: { mode: enforce, strategy: latest, fallback: lowest }\n"),
      issue(["workflow::b", "workflow::a"]),
    );
    expect(plan.needsLabelEvents).toBeUndefined();
    expect(plan.write).toEqual({ remove: ["workflow::b"] });
  });

  it("treats a scoped label as scoped only, even when it starts like a built-in group", () => {
    const plan = planEnforcement(
      configWith("    scoped: { mode: enforce }\n    priority: { mode: fail }\n"),
      issue(["priority/x::1", "priority/x::2", "priority/high"]),
    );
    expect(plan.ok).toBe(true);
    expect(plan.write).toEqual({ remove: ["priority/x::1"] });
  });
});

describe("prefix groups", () => {
  it("orders by the explicit order, lowest first, and keeps by strategy", () => {
    const config = configWith(
      "    groups: [{ prefix: type/, mode: enforce, strategy: highest, order: [type/feature, type/bug] }]\n",
    );
    const plan = planEnforcement(config, issue(["Type/Bug", "type/feature", "type/chore"]));
    expect(plan.actions).toEqual([
      {
        id: "group.labels.pruned",
        prefix: "type/",
        kept: "Type/Bug",
        removed: ["type/feature", "type/chore"],
      },
    ]);
  });

  it("reports a warn-mode group by its prefix and writes nothing", () => {
    const plan = planEnforcement(
      configWith("    groups: [{ prefix: area-, mode: warn }]\n"),
      issue(["area-ui", "area-api"]),
    );
    expect(plan.write).toBeUndefined();
    expect(plan.checks).toEqual([
      {
        id: "group.exclusive.violation",
        outcome: "WARN",
        details: { prefix: "area-", labels: ["area-ui", "area-api"], mode: "warn" },
      },
    ]);
  });

  it("latest on a built-in group keeps the added label even when it is not the highest", () => {
    const plan = planEnforcement(
      configWith("    phase: { mode: enforce, strategy: latest }\n"),
      issue(["phase-2", "phase-1"]),
      {
        added: "phase-1",
      },
    );
    expect(plan.write).toEqual({ remove: ["phase-2"] });
  });
});
