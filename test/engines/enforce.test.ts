import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SeedDocument } from "../../src/emulator/start-local-github.js";
import { engine } from "../../src/engines/enforce/index.js";
import {
  CONFIG_PATH,
  expectResultContract,
  issueState,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";

const CONFIG = `schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint }
  - { id: backlog, label: track/backlog }
labels:
  - { name: phase-3.9, color: "D93F0B" }
  - { name: phase-3.10, color: "B60205" }
  - { name: phase-4, color: "B60205" }
  - { name: priority/low, color: "D4C5F9" }
  - { name: priority/high, color: "B60205" }
milestones:
  - title: "Phase 3.9 – Hardening"
  - title: "Phase 3.10 – Release"
  - title: "Phase 4 – Later"
enforcement:
  exclusivity:
    phase: { mode: enforce, strategy: highest }
    priority: { mode: enforce }
    track: { mode: fail }
  phase_milestones:
    phase-3.9: "Phase 3.9 – Hardening"
    phase-3.10: "Phase 3.10 – Release"
    phase-4: "Phase 4 – Later"
`;

const LABELS = [
  "phase-3.9",
  "phase-3.10",
  "phase-4",
  "priority/low",
  "priority/high",
  "track/sprint",
  "track/backlog",
  "bug",
].map((name) => ({ name, color: "ededed" }));

/** Repositories named after what their config does; each test works on its own issue. */
const SEED: SeedDocument = {
  orgs: [{ login: "acme" }],
  repos: [
    {
      name: "acme/widgets",
      files: { [CONFIG_PATH]: CONFIG, "README.md": "widgets\n" },
      labels: LABELS,
      // "Phase 4 – Later" is declared but was never created: enforce must not create it.
      milestones: [{ title: "Phase 3.9 – Hardening" }, { title: "Phase 3.10 – Release" }],
      issues: [
        {
          title: "1 conflicting phases and priorities",
          labels: ["phase-3.9", "bug", "phase-3.10", "priority/low", "priority/high"],
          milestone: "Phase 3.9 – Hardening",
        },
        {
          title: "2 already consistent",
          labels: ["phase-3.10", "priority/high"],
          milestone: "Phase 3.10 – Release",
        },
        { title: "3 mapped milestone missing", labels: ["phase-3.10", "phase-4"] },
        {
          title: "4 two tracks (fail mode)",
          labels: ["track/sprint", "track/backlog", "phase-3.9", "phase-3.10"],
        },
        { title: "5 dry run", labels: ["phase-3.9", "phase-3.10"] },
        { title: "6 only the milestone is wrong", labels: ["phase-3.10"] },
        {
          title: "7 one priority label too many",
          labels: ["phase-3.10", "priority/low", "priority/high"],
          milestone: "Phase 3.10 – Release",
        },
        { title: "8 removed meanwhile", labels: ["phase-3.9", "phase-3.10"] },
      ],
    },
  ],
};

let world: EngineWorld;
beforeAll(async () => {
  world = await startEngineWorld(SEED);
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.resetRequests();
});

const milestoneNumber = async (title: string) => {
  const { data } = await world.server
    .client()
    .rest.issues.listMilestones({ owner: "acme", repo: "widgets", state: "all" });
  return data.find((milestone) => milestone.title === title)!.number;
};

describe("enforce against the local GitHub", () => {
  it("prunes lower phase and priority labels with one DELETE each and sets the milestone with a PATCH carrying only it", async () => {
    const result = await engine.run(world.context({ issue_number: 1 }));

    expectResultContract(result);
    expect(result.ok).toBe(true);
    expect(await issueState(world, 1)).toEqual({
      labels: ["bug", "phase-3.10", "priority/high"],
      milestone: "Phase 3.10 – Release",
    });
    expect(world.sent).toEqual([
      { method: "GET", path: "/repos/acme/widgets/contents/.github/task-assistant.yml" },
      { method: "GET", path: "/repos/acme/widgets/issues/1" },
      { method: "GET", path: "/repos/acme/widgets/milestones?state=all&per_page=100" },
      { method: "DELETE", path: "/repos/acme/widgets/issues/1/labels/phase-3.9" },
      { method: "DELETE", path: "/repos/acme/widgets/issues/1/labels/priority/low" },
      {
        method: "PATCH",
        path: "/repos/acme/widgets/issues/1",
        body: { milestone: await milestoneNumber("Phase 3.10 – Release") },
      },
    ]);
    expect(result.actions).toEqual([
      { id: "phase.labels.pruned", kept: "phase-3.10", removed: ["phase-3.9"] },
      { id: "priority.labels.pruned", kept: "priority/high", removed: ["priority/low"] },
      {
        id: "issue.milestone.set",
        from: "Phase 3.9 – Hardening",
        to: "Phase 3.10 – Release",
        reason: "phase label phase-3.10",
      },
    ]);
    expect(result.summary).toBe(
      "Resolved phase label exclusivity (kept phase-3.10); resolved priority label exclusivity (kept priority/high); milestone set to match phase-3.10",
    );
    expect(result.issue).toEqual({ number: 1 });
    // The record names the changed issue: before → after, and the rules that changed it.
    expect(result.changes).toEqual([
      {
        number: 1,
        before: {
          labels: ["phase-3.9", "bug", "phase-3.10", "priority/low", "priority/high"],
          milestone: "Phase 3.9 – Hardening",
        },
        after: { labels: ["bug", "phase-3.10", "priority/high"], milestone: "Phase 3.10 – Release" },
        rules: ["phase.labels.pruned", "priority.labels.pruned", "issue.milestone.set"],
      },
    ]);
    expect(result.changes_total).toBe(1);
  });

  it("makes no write on a second run", async () => {
    const result = await engine.run(world.context({ issue_number: 1 }));
    expect(result).toMatchObject({ changes: [], changes_total: 0 });
    expect(result).toMatchObject({ ok: true, summary: "No changes required", actions: [] });
    expect(world.sent.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /repos/acme/widgets/contents/.github/task-assistant.yml",
      "GET /repos/acme/widgets/issues/1",
    ]);
    expect(await world.serverCounts()).toEqual({
      "GET /repos/{owner}/{repo}/contents/{path} 200": 1,
      "GET /repos/{owner}/{repo}/issues/{issue_number} 200": 1,
    });
  });

  it("sends only the milestone when the labels are already right", async () => {
    await engine.run(world.context({ issue_number: 6 }));
    expect(writes(world.sent)).toEqual([
      {
        method: "PATCH",
        path: "/repos/acme/widgets/issues/6",
        body: { milestone: await milestoneNumber("Phase 3.10 – Release") },
      },
    ]);
    expect(await issueState(world, 6)).toEqual({ labels: ["phase-3.10"], milestone: "Phase 3.10 – Release" });
  });

  it("removes one label with one read and one DELETE when the milestone is already right", async () => {
    const result = await engine.run(world.context({ issue_number: 7 }));
    expect(result.ok).toBe(true);
    expect(await world.serverCounts()).toEqual({
      "GET /repos/{owner}/{repo}/contents/{path} 200": 1,
      "GET /repos/{owner}/{repo}/issues/{issue_number} 200": 1,
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200": 1,
    });
    expect(await issueState(world, 7)).toEqual({
      labels: ["phase-3.10", "priority/high"],
      milestone: "Phase 3.10 – Release",
    });
  });

  it("treats a label already gone when it removes it (404) as removed, and still sets the milestone", async () => {
    // GitHub's answer when the label is no longer on the issue: someone removed it meanwhile.
    await world.server.addFaults({
      route: "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
      status: 404,
      count: 1,
      message: "Label does not exist",
    });
    const result = await engine.run(world.context({ issue_number: 8 }));
    expect(result).toMatchObject({ ok: true });
    expect(writes(world.sent).map((request) => `${request.method} ${request.path}`)).toEqual([
      "DELETE /repos/acme/widgets/issues/8/labels/phase-3.9",
      "PATCH /repos/acme/widgets/issues/8",
    ]);
    expect((await issueState(world, 8)).milestone).toBe("Phase 3.10 – Release");
  });

  it("passes a consistent issue without writing", async () => {
    const result = await engine.run(world.context({ issue_number: 2 }));
    expect(result.ok).toBe(true);
    expect(writes(world.sent)).toEqual([]);
  });

  it("fails naming a mapped milestone that does not exist, creating nothing and writing nothing", async () => {
    const result = await engine.run(world.context({ issue_number: 3 }));
    expectResultContract(result);
    expect(result.ok).toBe(false);
    expect(result.checks).toContainEqual({
      id: "phase.milestone.missing",
      outcome: "FAIL",
      details: {
        label: "phase-4",
        milestone: "Phase 4 – Later",
        hint: "run materialize to create the milestones the config declares; enforce never creates milestones",
      },
    });
    expect(writes(world.sent)).toEqual([]);
    expect(await issueState(world, 3)).toEqual({ labels: ["phase-3.10", "phase-4"], milestone: null });
  });

  it("in fail mode reports ok=false and changes nothing, not even the other groups", async () => {
    const result = await engine.run(world.context({ issue_number: 4 }));
    expect(result.ok).toBe(false);
    expect(result.summary).toBe("No change made: track.exclusive.violation");
    expect(result.checks).toContainEqual({
      id: "track.exclusive.violation",
      outcome: "FAIL",
      details: { labels: ["track/sprint", "track/backlog"], mode: "fail" },
    });
    expect(writes(world.sent)).toEqual([]);
  });

  it("in a dry run reports the plan and sends no write", async () => {
    const result = await engine.run(world.context({ issue_number: 5, dry_run: true }));
    expect(result).toMatchObject({ ok: true, dry_run: true });
    expect(result.summary).toBe(
      "Dry run: resolved phase label exclusivity (kept phase-3.10); milestone set to match phase-3.10",
    );
    expect(result.actions.map((action) => action.id)).toEqual(["phase.labels.pruned", "issue.milestone.set"]);
    expect(writes(world.sent)).toEqual([]);
    expect(await issueState(world, 5)).toEqual({ labels: ["phase-3.10", "phase-3.9"], milestone: null });
  });

  it("reports an issue that does not exist as a failed check with its status", async () => {
    const result = await engine.run(world.context({ issue_number: 404 }));
    expect(result.ok).toBe(false);
    expect(result.checks.at(-1)).toMatchObject({
      id: "issue.load",
      outcome: "FAIL",
      details: { status: 404 },
    });
    expect(writes(world.sent)).toEqual([]);
  });
});

describe("enforce with a config that does not allow enforcement", () => {
  let other: EngineWorld | undefined;
  const issue = { title: "conflict", labels: ["phase-3.9", "phase-3.10"] };
  const seedWith = (files: Record<string, string>): SeedDocument => ({
    orgs: [{ login: "acme" }],
    repos: [
      {
        name: "acme/widgets",
        files: { "README.md": "widgets\n", ...files },
        labels: LABELS,
        issues: [issue],
      },
    ],
  });

  afterEach(async () => {
    await other?.stop();
    other = undefined;
  });

  it("without an enforcement section passes 'no enforcement configured' after reading only the config", async () => {
    other = await startEngineWorld(
      seedWith({ [CONFIG_PATH]: CONFIG.slice(0, CONFIG.indexOf("enforcement:")) }),
    );
    const result = await engine.run(other.context({ issue_number: 1 }));
    expectResultContract(result);
    expect(result).toMatchObject({ ok: true, summary: "No enforcement configured", actions: [] });
    expect(result.checks).toContainEqual({
      id: "enforcement.configured",
      outcome: "PASS",
      details: "no enforcement configured",
    });
    expect(other.sent.map((request) => request.method + " " + request.path)).toEqual([
      "GET /repos/acme/widgets/contents/.github/task-assistant.yml",
    ]);
  });

  it.each([
    [
      "E1 tracks missing",
      CONFIG.replace(
        "tracks:\n  - { id: sprint, label: track/sprint }\n  - { id: backlog, label: track/backlog }\n",
        "",
      ),
      "/tracks",
    ],
    ["E2 ::::invalid_yaml", "::::invalid_yaml", ""],
    ["E3 an unknown top-level key", `${CONFIG}unknownKey: true\n`, "/unknownKey"],
    [
      "E4 enforcement: true",
      `${CONFIG.slice(0, CONFIG.indexOf("enforcement:"))}enforcement: true\n`,
      "/enforcement",
    ],
  ])(
    "on an invalid config (%s) records ok=false with the errors and writes nothing",
    async (_case, text, pointer) => {
      other = await startEngineWorld(seedWith({ [CONFIG_PATH]: text }));
      const result = await engine.run(other.context({ issue_number: 1 }));
      expectResultContract(result);
      expect(result.ok).toBe(false);
      expect(result.summary).toBe("Configuration is invalid (1 problem)");
      const valid = result.checks.find((check) => check.id === "config.valid");
      expect(valid).toMatchObject({
        outcome: "FAIL",
        details: {
          errors: [
            expect.objectContaining({
              path: pointer,
              file: CONFIG_PATH,
              line: expect.any(Number),
              col: expect.any(Number),
            }),
          ],
        },
      });
      expect(writes(other.sent)).toEqual([]);
      expect(other.sent).toHaveLength(1);
    },
  );

  it("without a config file fails config.load naming the file", async () => {
    other = await startEngineWorld(seedWith({}));
    const result = await engine.run(other.context({ issue_number: 1 }));
    expect(result.ok).toBe(false);
    expect(result.checks).toEqual([
      {
        id: "config.load",
        outcome: "FAIL",
        details: {
          path: CONFIG_PATH,
          message: ".github/task-assistant.yml was not found on the default branch",
          hint: "add .github/task-assistant.yml; `task-assistant install` copies a starter config",
        },
      },
    ]);
  });
});
