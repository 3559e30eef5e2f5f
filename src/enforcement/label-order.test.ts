import { describe, expect, it } from "vitest";
import type { HostConfig } from "../config/config-model.js";
import { compareByDeclaration, comparePhases, comparePriorities } from "./label-order.js";

const sorted = (labels: string[], compare: (a: string, b: string) => number) => [...labels].sort(compare);

describe("phase order", () => {
  it("is version-aware: phase-3.10 is above phase-3.9", () => {
    expect(sorted(["phase-3.10", "phase-3.9", "phase-3.2", "phase-10", "phase-2"], comparePhases)).toEqual([
      "phase-2",
      "phase-3.2",
      "phase-3.9",
      "phase-3.10",
      "phase-10",
    ]);
  });

  it("puts phase-3 below phase-3.0 below phase-3.1 (more segments is more specific)", () => {
    expect(sorted(["phase-3.1", "phase-3.0", "phase-3"], comparePhases)).toEqual([
      "phase-3",
      "phase-3.0",
      "phase-3.1",
    ]);
  });

  it("ranks named phases below every numbered one, alphabetically among themselves", () => {
    expect(sorted(["phase-1", "phase-beta", "phase-Alpha", "phase-0.1", "phase-3a"], comparePhases)).toEqual([
      "phase-3a",
      "phase-Alpha",
      "phase-beta",
      "phase-0.1",
      "phase-1",
    ]);
  });

  it("compares numbers of any length exactly and breaks ties between equal numbers by name", () => {
    expect(sorted(["phase-99999999999999999999", "phase-99999999999999999998"], comparePhases)).toEqual([
      "phase-99999999999999999998",
      "phase-99999999999999999999",
    ]);
    expect(sorted(["phase-1", "phase-01", "Phase-1"], comparePhases)).toEqual([
      "phase-01",
      "Phase-1",
      "phase-1",
    ]);
  });
});

describe("priority order", () => {
  it("is low < medium < high, whatever the case", () => {
    expect(sorted(["priority/high", "Priority/Low", "priority/medium"], comparePriorities)).toEqual([
      "Priority/Low",
      "priority/medium",
      "priority/high",
    ]);
  });

  it("ranks unknown priorities below low, alphabetically", () => {
    expect(sorted(["priority/low", "priority/urgent", "priority/critical"], comparePriorities)).toEqual([
      "priority/critical",
      "priority/urgent",
      "priority/low",
    ]);
  });
});

describe("track and state order", () => {
  const config: HostConfig = {
    schema_version: "1.0",
    tracks: [
      { id: "sprint", label: "track/sprint" },
      { id: "backlog", label: "track/backlog" },
    ],
    labels: [
      { name: "state/todo", color: "EDEDED" },
      { name: "state/doing", color: "EDEDED" },
      { name: "track/sprint", color: "C5DEF5" },
    ],
    milestones: [],
  };

  it("follows the config's declarations, later is higher", () => {
    expect(sorted(["track/backlog", "track/sprint"], compareByDeclaration(config))).toEqual([
      "track/sprint",
      "track/backlog",
    ]);
    expect(sorted(["state/doing", "State/Todo"], compareByDeclaration(config))).toEqual([
      "State/Todo",
      "state/doing",
    ]);
  });

  it("ranks undeclared labels below declared ones, alphabetically", () => {
    expect(sorted(["state/todo", "state/zzz", "state/aaa"], compareByDeclaration(config))).toEqual([
      "state/aaa",
      "state/zzz",
      "state/todo",
    ]);
  });
});
