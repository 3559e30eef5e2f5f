import { describe, expect, it } from "vitest";
import type { HostConfig } from "./config-model.js";
import { planMaterialization, type MaterializeStep } from "./plan-materialization.js";
import type { RepoInventory } from "./read-repo-inventory.js";

function aConfig(overrides: Partial<HostConfig> = {}): HostConfig {
  return { schema_version: "1.0", tracks: [], labels: [], milestones: [], ...overrides };
}

function anInventory(overrides: Partial<RepoInventory> = {}): RepoInventory {
  return { labels: [], milestones: [], ...overrides };
}

/** What the repository looks like after the steps ran, as GitHub would store it. */
function applied(inventory: RepoInventory, steps: MaterializeStep[]): RepoInventory {
  const labels = inventory.labels.map((label) => ({ ...label }));
  const milestones = [...inventory.milestones];
  for (const step of steps) {
    if (step.kind === "createLabel")
      labels.push({
        name: step.name,
        color: step.color.toLowerCase(),
        description: step.description ?? null,
      });
    if (step.kind === "updateLabel") {
      const label = labels.find((l) => l.name === step.name)!;
      if (step.color !== undefined) label.color = step.color.toLowerCase();
      if (step.description !== undefined) label.description = step.description;
    }
    if (step.kind === "createMilestone")
      milestones.push({ number: milestones.length + 1, title: step.title, state: "open" });
  }
  return { labels, milestones };
}

describe("planMaterialization", () => {
  it("creates missing track labels with the default colour and the track's description", () => {
    const config = aConfig({
      tracks: [{ id: "sprint", label: "track/sprint", description: "Active sprint work" }],
    });
    expect(planMaterialization(config, anInventory()).steps).toEqual([
      { kind: "createLabel", name: "track/sprint", color: "C5DEF5", description: "Active sprint work" },
    ]);
  });

  it("creates a label declared both as a track and under labels once, with the listed colour", () => {
    const config = aConfig({
      tracks: [{ id: "sprint", label: "track/sprint", description: "Sprint" }],
      labels: [{ name: "Track/Sprint", color: "0E8A16" }],
    });
    expect(planMaterialization(config, anInventory()).steps).toEqual([
      { kind: "createLabel", name: "track/sprint", color: "0E8A16", description: "Sprint" },
    ]);
  });

  it("compares colours case-insensitively and leaves matching labels alone", () => {
    const config = aConfig({ labels: [{ name: "phase-1", color: "0E8A16", description: "Phase 1" }] });
    const plan = planMaterialization(
      config,
      anInventory({ labels: [{ name: "phase-1", color: "0e8a16", description: "Phase 1" }] }),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.labelsInPlace).toEqual(["phase-1"]);
  });

  it("updates only what differs, recording what it was", () => {
    const config = aConfig({
      labels: [
        { name: "phase-1", color: "0E8A16", description: "Phase 1" },
        { name: "phase-2", color: "B60205", description: "Phase 2" },
      ],
    });
    const inventory = anInventory({
      labels: [
        { name: "phase-1", color: "ffffff", description: "Phase 1" },
        { name: "phase-2", color: "b60205", description: null },
      ],
    });
    expect(planMaterialization(config, inventory).steps).toEqual([
      {
        kind: "updateLabel",
        name: "phase-1",
        color: "0E8A16",
        from: { color: "ffffff", description: "Phase 1" },
      },
      {
        kind: "updateLabel",
        name: "phase-2",
        description: "Phase 2",
        from: { color: "b60205", description: null },
      },
    ]);
  });

  it("never renames: a label existing under another case is updated under its own name", () => {
    const config = aConfig({ labels: [{ name: "phase-1", color: "0E8A16" }] });
    const plan = planMaterialization(
      config,
      anInventory({ labels: [{ name: "Phase-1", color: "000000", description: null }] }),
    );
    expect(plan.steps).toEqual([
      { kind: "updateLabel", name: "Phase-1", color: "0E8A16", from: { color: "000000", description: null } },
    ]);
    expect(plan.labelCaseDifferences).toEqual([{ declared: "phase-1", existing: "Phase-1" }]);
  });

  it("does not recolour an existing track label the config gives no colour", () => {
    const config = aConfig({ tracks: [{ id: "sprint", label: "track/sprint" }] });
    const plan = planMaterialization(
      config,
      anInventory({ labels: [{ name: "track/sprint", color: "123456", description: "mine" }] }),
    );
    expect(plan.steps).toEqual([]);
  });

  it("looks at open and closed milestones: open is in place, closed is reported, missing is created", () => {
    const config = aConfig({
      milestones: [
        { title: "Phase 1" },
        { title: "Phase 2" },
        { title: "Phase 3", description: "Release" },
        { title: "Phase 4" },
      ],
    });
    const plan = planMaterialization(
      config,
      anInventory({
        milestones: [
          { number: 1, title: "Phase 1", state: "open" },
          { number: 2, title: "Phase 2", state: "closed" },
          { number: 3, title: "phase 3", state: "open" },
          { number: 4, title: "Phase 4", state: "closed" },
          { number: 5, title: "Phase 4", state: "open" },
        ],
      }),
    );
    expect(plan.steps).toEqual([{ kind: "createMilestone", title: "Phase 3", description: "Release" }]);
    expect(plan.milestonesInPlace).toEqual(["Phase 1", "Phase 4"]);
    expect(plan.milestonesClosed).toEqual(["Phase 2"]);
  });

  it("has nothing left to do once its steps are applied", () => {
    const config = aConfig({
      tracks: [
        { id: "sprint", label: "track/sprint", description: "Sprint" },
        { id: "backlog", label: "track/backlog" },
      ],
      labels: [
        { name: "track/sprint", color: "C5DEF5" },
        { name: "phase-1", color: "0E8A16", description: "Phase 1" },
        { name: "Bug", color: "D73A4A" },
      ],
      milestones: [{ title: "Phase 1" }],
    });
    const inventory = anInventory({ labels: [{ name: "bug", color: "ffffff", description: null }] });
    const first = planMaterialization(config, inventory);
    expect(first.steps.map((step) => step.kind)).toEqual([
      "createLabel",
      "createLabel",
      "createLabel",
      "updateLabel",
      "createMilestone",
    ]);
    expect(planMaterialization(config, applied(inventory, first.steps)).steps).toEqual([]);
  });
});
