import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EnforcementMode, GroupName, HostConfig, Strategy } from "../config/config-model.js";
import { bindMilestone, type IssueSnapshot } from "./enforcement-plan.js";
import { planEnforcement } from "./plan-enforcement.js";

function aConfig(overrides: Partial<HostConfig> = {}): HostConfig {
  return {
    schema_version: "1.0",
    tracks: [
      { id: "sprint", label: "track/sprint" },
      { id: "backlog", label: "track/backlog" },
      { id: "later", label: "track/later" },
    ],
    labels: [
      { name: "state/todo", color: "EDEDED" },
      { name: "state/doing", color: "EDEDED" },
      { name: "state/review", color: "EDEDED" },
      { name: "state/done", color: "EDEDED" },
    ],
    milestones: [{ title: "Phase 3.9" }, { title: "Phase 3.10" }],
    ...overrides,
  };
}

function anIssue(overrides: Partial<IssueSnapshot> = {}): IssueSnapshot {
  return { number: 12, labels: [], milestone: null, ...overrides };
}

function withGroup(
  group: GroupName,
  mode: EnforcementMode,
  strategy: Strategy,
  terminal: string[] = [],
): HostConfig {
  const rule = group === "state" ? { mode, strategy, terminal } : { mode, strategy };
  return aConfig({ enforcement: { exclusivity: { [group]: rule }, phase_milestones: {} } });
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Three labels of each group, lowest to highest in that group's documented order. */
const RANKED: Record<GroupName, [string, string, string]> = {
  phase: ["phase-beta", "phase-3.9", "phase-3.10"],
  priority: ["priority/low", "priority/medium", "priority/high"],
  track: ["track/sprint", "track/backlog", "track/later"],
  state: ["state/todo", "state/doing", "state/review"],
};

const MODES: EnforcementMode[] = ["enforce", "warn", "fail", "off"];
const STRATEGIES: Strategy[] = ["highest", "lowest"];

const table = (Object.keys(RANKED) as GroupName[]).flatMap((group) =>
  MODES.flatMap((mode) =>
    STRATEGIES.flatMap((strategy) =>
      permutations(RANKED[group]).map((order) => ({ group, mode, strategy, order })),
    ),
  ),
);

describe("planEnforcement: exclusivity groups over modes × strategies × label orders", () => {
  it.each(table)("$group $mode/$strategy on $order", ({ group, mode, strategy, order }) => {
    const [lowest, , highest] = RANKED[group];
    const issue = anIssue({ labels: ["bug", ...order] });
    const plan = planEnforcement(withGroup(group, mode, strategy), issue);

    if (mode === "enforce") {
      const kept = strategy === "highest" ? highest : lowest;
      const removed = order.filter((label) => label !== kept);
      expect(plan.ok).toBe(true);
      expect(plan.write).toEqual({ remove: order.filter((label) => label !== kept) });
      expect(plan.actions).toEqual([{ id: `${group}.labels.pruned`, kept, removed }]);
      expect(plan.checks).toEqual([
        { id: `${group}.exclusive.enforced`, outcome: "PASS", details: { kept, removed, strategy } },
      ]);
      return;
    }
    expect(plan.write).toBeUndefined();
    expect(plan.actions).toEqual([]);
    if (mode === "off") {
      expect(plan.ok).toBe(true);
      expect(plan.checks).toEqual([
        { id: `${group}.exclusive`, outcome: "PASS", details: { labels: order, mode: "off" } },
      ]);
    } else {
      expect(plan.ok).toBe(mode === "warn");
      expect(plan.checks).toEqual([
        {
          id: `${group}.exclusive.violation`,
          outcome: mode === "warn" ? "WARN" : "FAIL",
          details: { labels: order, mode },
        },
      ]);
      expect(plan.summary).toBe(
        mode === "warn" ? "No changes required" : `No change made: ${group}.exclusive.violation`,
      );
    }
  });

  it.each(MODES)("passes an issue with one label per group in %s mode, writing nothing", (mode) => {
    const config = aConfig({
      enforcement: {
        exclusivity: {
          phase: { mode, strategy: "highest" },
          priority: { mode, strategy: "highest" },
          track: { mode, strategy: "highest" },
          state: { mode, strategy: "highest", terminal: [] },
        },
        phase_milestones: {},
      },
    });
    const plan = planEnforcement(config, anIssue({ labels: ["phase-1", "priority/low", "track/sprint"] }));
    expect(plan).toMatchObject({ ok: true, actions: [], summary: "No changes required" });
    expect(plan.write).toBeUndefined();
    expect(plan.checks.map((check) => `${check.id} ${check.outcome}`)).toEqual([
      "phase.exclusive PASS",
      "priority.exclusive PASS",
      "track.exclusive PASS",
      "state.exclusive PASS",
    ]);
  });
});

describe("planEnforcement: terminal states", () => {
  const terminalTable = MODES.flatMap((mode) =>
    STRATEGIES.flatMap((strategy) =>
      permutations(["state/doing", "state/done", "state/todo"]).map((order) => ({ mode, strategy, order })),
    ),
  );

  it.each(terminalTable)(
    "state $mode/$strategy with a terminal label in $order",
    ({ mode, strategy, order }) => {
      const plan = planEnforcement(
        withGroup("state", mode, strategy, ["state/done"]),
        anIssue({ labels: order }),
      );
      expect(plan.write).toBeUndefined();
      expect(plan.ok).toBe(true);
      expect(plan.checks).toEqual(
        mode === "off"
          ? [{ id: "state.exclusive", outcome: "PASS", details: { labels: order, mode: "off" } }]
          : [
              {
                id: "state.terminal.present",
                outcome: "WARN",
                details: { labels: order, terminal: ["state/done"] },
              },
            ],
      );
    },
  );

  it("prunes state labels normally when no terminal label is on the issue", () => {
    const plan = planEnforcement(
      withGroup("state", "enforce", "highest", ["state/done"]),
      anIssue({ labels: ["state/doing", "state/todo"] }),
    );
    expect(plan.write).toEqual({ remove: ["state/todo"] });
  });

  it("matches terminal labels case-insensitively, as GitHub names are", () => {
    const plan = planEnforcement(
      withGroup("state", "enforce", "highest", ["state/done"]),
      anIssue({ labels: ["State/Done", "state/todo"] }),
    );
    expect(plan.checks[0]).toMatchObject({ id: "state.terminal.present", outcome: "WARN" });
  });
});

describe("planEnforcement: phase milestones", () => {
  const phaseConfig = (strategy: Strategy, mode: EnforcementMode = "enforce") =>
    aConfig({
      enforcement: {
        exclusivity: { phase: { mode, strategy } },
        phase_milestones: { "phase-3.9": "Phase 3.9", "phase-3.10": "Phase 3.10" },
      },
    });
  const milestones = [
    { number: 4, title: "Phase 3.9", state: "open" as const },
    { number: 5, title: "Phase 3.10", state: "open" as const },
  ];

  it("reports a label with an invisible character and does not count it in its group", () => {
    const issue = anIssue({ labels: ["phase-3.9", "phase-3.\u200b10"] });
    const plan = planEnforcement(phaseConfig("highest"), issue);
    expect(plan.checks).toContainEqual({
      id: "labels.invisible_characters",
      outcome: "WARN",
      details: expect.objectContaining({
        labels: ["phase-3.\\u200b10"],
        characters: ["U+200B ZERO WIDTH SPACE"],
      }),
    });
    expect(plan.checks).toContainEqual({
      id: "phase.exclusive",
      outcome: "PASS",
      details: { labels: ["phase-3.9"] },
    });
    expect(plan.actions.filter((action) => action.id === "phase.labels.pruned")).toEqual([]);
    expect(plan.write?.remove ?? []).not.toContain("phase-3.\u200b10");
  });

  it("prunes lower phase labels and sets the milestone mapped from phase-3.10", () => {
    const issue = anIssue({ labels: ["phase-3.10", "bug", "phase-3.9"] });
    const plan = bindMilestone(planEnforcement(phaseConfig("highest"), issue), milestones);
    expect(plan.write).toEqual({
      remove: ["phase-3.9"],
      milestone: { title: "Phase 3.10", label: "phase-3.10", number: 5 },
    });
    expect(plan.actions).toEqual([
      { id: "phase.labels.pruned", kept: "phase-3.10", removed: ["phase-3.9"] },
      { id: "issue.milestone.set", from: null, to: "Phase 3.10", reason: "phase label phase-3.10" },
    ]);
    expect(plan.summary).toBe(
      "Resolved phase label exclusivity (kept phase-3.10); milestone set to match phase-3.10",
    );
  });

  it("with strategy lowest, takes the milestone of the phase label that is kept", () => {
    const issue = anIssue({
      labels: ["phase-3.9", "phase-3.10"],
      milestone: { number: 5, title: "Phase 3.10" },
    });
    const plan = bindMilestone(planEnforcement(phaseConfig("lowest"), issue), milestones);
    expect(plan.write).toEqual({
      remove: ["phase-3.10"],
      milestone: { title: "Phase 3.9", label: "phase-3.9", number: 4 },
    });
    expect(plan.actions[1]).toEqual({
      id: "issue.milestone.set",
      from: "Phase 3.10",
      to: "Phase 3.9",
      reason: "phase label phase-3.9",
    });
  });

  it("in warn mode keeps both labels and still maps the highest to its milestone", () => {
    const plan = planEnforcement(
      phaseConfig("highest", "warn"),
      anIssue({ labels: ["phase-3.9", "phase-3.10"] }),
    );
    expect(plan.write).toEqual({ remove: [], milestone: { title: "Phase 3.10", label: "phase-3.10" } });
    expect(plan.checks.map((check) => `${check.id} ${check.outcome}`)).toEqual([
      "phase.exclusive.violation WARN",
      "phase.milestone.enforced PASS",
    ]);
  });

  it("in fail mode writes nothing, not even the milestone, and says why", () => {
    const plan = planEnforcement(
      phaseConfig("highest", "fail"),
      anIssue({ labels: ["phase-3.9", "phase-3.10"] }),
    );
    expect(plan.ok).toBe(false);
    expect(plan.write).toBeUndefined();
    expect(plan.actions).toEqual([]);
    expect(plan.checks).toContainEqual({
      id: "phase.milestone.not_set",
      outcome: "WARN",
      details: {
        label: "phase-3.10",
        milestone: "Phase 3.10",
        not_applied_because: ["phase.exclusive.violation"],
      },
    });
  });

  it("a failing group blocks another group's pruning too", () => {
    const config = aConfig({
      enforcement: {
        exclusivity: {
          phase: { mode: "enforce", strategy: "highest" },
          track: { mode: "fail", strategy: "highest" },
        },
        phase_milestones: {},
      },
    });
    const plan = planEnforcement(
      config,
      anIssue({ labels: ["phase-1", "phase-2", "track/sprint", "track/later"] }),
    );
    expect(plan.write).toBeUndefined();
    expect(plan.checks).toEqual([
      {
        id: "phase.exclusive.violation",
        outcome: "WARN",
        details: {
          labels: ["phase-2", "phase-1"],
          would_keep: "phase-2",
          not_applied_because: ["track.exclusive.violation"],
        },
      },
      {
        id: "track.exclusive.violation",
        outcome: "FAIL",
        details: { labels: ["track/sprint", "track/later"], mode: "fail" },
      },
    ]);
  });

  it("passes when the issue already has the mapped milestone", () => {
    const issue = anIssue({ labels: ["phase-3.10"], milestone: { number: 5, title: "Phase 3.10" } });
    const plan = planEnforcement(phaseConfig("highest"), issue);
    expect(plan.write).toBeUndefined();
    expect(plan.checks).toContainEqual({
      id: "phase.milestone.match",
      outcome: "PASS",
      details: { label: "phase-3.10", milestone: "Phase 3.10" },
    });
  });

  it("warns when the highest phase label has no mapped milestone, and changes nothing", () => {
    const plan = planEnforcement(phaseConfig("highest"), anIssue({ labels: ["phase-4"] }));
    expect(plan.write).toBeUndefined();
    expect(plan.checks).toContainEqual({
      id: "phase.milestone.map",
      outcome: "WARN",
      details: { label: "phase-4", hint: "map phase-4 to a milestone under enforcement.phase_milestones" },
    });
  });

  it("fails naming a mapped milestone that does not exist, and then writes nothing at all", () => {
    const issue = anIssue({ labels: ["phase-3.9", "phase-3.10"] });
    const plan = bindMilestone(planEnforcement(phaseConfig("highest"), issue), [milestones[0]]);
    expect(plan.ok).toBe(false);
    expect(plan.write).toBeUndefined();
    expect(plan.actions).toEqual([]);
    expect(plan.checks).toContainEqual({
      id: "phase.milestone.missing",
      outcome: "FAIL",
      details: {
        label: "phase-3.10",
        milestone: "Phase 3.10",
        hint: "run materialize to create the milestones the config declares; enforce never creates milestones",
      },
    });
    expect(plan.summary).toBe("No change made: phase.milestone.missing");
  });

  it("sets a closed milestone with the mapped title, warning that it is closed", () => {
    const issue = anIssue({ labels: ["phase-3.9"] });
    const plan = bindMilestone(planEnforcement(phaseConfig("highest"), issue), [
      { number: 9, title: "Phase 3.9", state: "closed" },
    ]);
    expect(plan.write?.milestone?.number).toBe(9);
    expect(plan.checks).toContainEqual({
      id: "phase.milestone.closed",
      outcome: "WARN",
      details: { milestone: "Phase 3.9" },
    });
  });
});

describe("planEnforcement: without an enforcement section", () => {
  it("passes with 'no enforcement configured' and plans no write, whatever the labels", () => {
    const plan = planEnforcement(
      aConfig(),
      anIssue({ labels: ["phase-1", "phase-2", "track/sprint", "track/later"] }),
    );
    expect(plan).toMatchObject({
      ok: true,
      actions: [],
      checks: [{ id: "enforcement.configured", outcome: "PASS", details: "no enforcement configured" }],
    });
    expect(plan.write).toBeUndefined();
  });
});

describe("planEnforcement: idempotence", () => {
  it("plans no write for an issue that already carries the result of a previous plan", () => {
    const label = fc.constantFrom(
      "phase-1",
      "phase-3.9",
      "phase-3.10",
      "phase-beta",
      "priority/low",
      "priority/high",
      "priority/urgent",
      "track/sprint",
      "track/later",
      "track/other",
      "state/todo",
      "state/doing",
      "state/done",
      "bug",
    );
    const rule = fc.record({
      mode: fc.constantFrom<EnforcementMode>("enforce", "warn", "fail", "off"),
      strategy: fc.constantFrom<Strategy>("highest", "lowest"),
    });
    const config = fc
      .record({ phase: rule, priority: rule, track: rule, state: rule, terminal: fc.boolean() })
      .map(({ terminal, state, ...groups }) =>
        aConfig({
          enforcement: {
            exclusivity: { ...groups, state: { ...state, terminal: terminal ? ["state/done"] : [] } },
            phase_milestones: { "phase-3.9": "Phase 3.9", "phase-3.10": "Phase 3.10" },
          },
        }),
      );
    const milestones = [
      { number: 4, title: "Phase 3.9", state: "open" as const },
      { number: 5, title: "Phase 3.10", state: "open" as const },
    ];
    let written = 0;
    fc.assert(
      fc.property(config, fc.uniqueArray(label, { maxLength: 8 }), (cfg, labels) => {
        const first = bindMilestone(planEnforcement(cfg, anIssue({ labels })), milestones);
        if (first.write === undefined) return;
        written += 1;
        const after = anIssue({
          labels: labels.filter((name) => !first.write!.remove.includes(name)),
          milestone:
            first.write.milestone === undefined
              ? null
              : { number: first.write.milestone.number!, title: first.write.milestone.title },
        });
        const second = bindMilestone(planEnforcement(cfg, after), milestones);
        expect(second.write).toBeUndefined();
        expect(second.actions).toEqual([]);
      }),
      { numRuns: 500, seed: 7 },
    );
    // The property was exercised on plans that did write.
    expect(written).toBeGreaterThan(100);
  });
});
