import { describe, expect, it } from "vitest";
import { planSandboxReset, type ResetInventory } from "./plan-sandbox-reset.js";

function anInventory(overrides: Partial<ResetInventory> = {}): ResetInventory {
  return { openIssues: [], labels: [], milestones: [], declaredLabels: [], ...overrides };
}

describe("planSandboxReset", () => {
  it("closes open issues first, then deletes managed labels, then every milestone", () => {
    const steps = planSandboxReset(
      anInventory({
        openIssues: [
          { number: 7, title: "Later", pull_request: false },
          { number: 2, title: "Earlier", pull_request: false },
        ],
        labels: ["bug", "phase-2", "Priority/High", "track/sprint", "state/done", "needs-triage"],
        milestones: [
          { number: 3, title: "Phase 2 – Build", state: "closed" },
          { number: 1, title: "Phase 1 – Planning", state: "open" },
        ],
      }),
    );
    expect(steps).toEqual([
      { kind: "closeIssue", number: 2, title: "Earlier" },
      { kind: "closeIssue", number: 7, title: "Later" },
      { kind: "deleteLabel", name: "phase-2" },
      { kind: "deleteLabel", name: "Priority/High" },
      { kind: "deleteLabel", name: "state/done" },
      { kind: "deleteLabel", name: "track/sprint" },
      { kind: "deleteMilestone", number: 1, title: "Phase 1 – Planning" },
      { kind: "deleteMilestone", number: 3, title: "Phase 2 – Build" },
    ]);
  });

  it("deletes labels the config declares even outside the groups, and keeps everything else", () => {
    const steps = planSandboxReset(
      anInventory({ labels: ["bug", "Needs-Design", "wontfix"], declaredLabels: ["needs-design"] }),
    );
    expect(steps).toEqual([{ kind: "deleteLabel", name: "Needs-Design" }]);
  });

  it("never closes pull requests and plans nothing for a clean repository", () => {
    expect(
      planSandboxReset(
        anInventory({ openIssues: [{ number: 4, title: "A PR", pull_request: true }], labels: ["bug"] }),
      ),
    ).toEqual([]);
  });
});
