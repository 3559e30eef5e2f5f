import { afterEach, describe, expect, it } from "vitest";
import type { SeedDocument } from "../../src/emulator/start-local-github.js";
import type { SeedRepo } from "../../src/emulator/seed/seed-types.js";
import { engine } from "../../src/engines/materialize/index.js";
import {
  CONFIG_PATH,
  expectResultContract,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";

const CONFIG = `schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint, description: Active sprint work }
  - { id: backlog, label: track/backlog }
labels:
  # track/sprint again, to give it a colour: one label, created once.
  - { name: track/sprint, color: "0052CC" }
  - { name: phase-1, color: "0E8A16", description: "Phase 1: planning" }
  - { name: phase-2, color: "B60205", description: "Phase 2: build" }
  - { name: bug, color: "D73A4A", description: Something is broken }
milestones:
  - title: "Phase 1 – Planning"
  - title: "Phase 2 – Build"
    description: Second phase
  - title: "Phase 0 – Archive"
`;

function seedWith(extra: Partial<SeedRepo> = {}, config = CONFIG): SeedDocument {
  return {
    orgs: [{ login: "acme" }],
    repos: [
      {
        name: "acme/widgets",
        files: { [CONFIG_PATH]: config },
        labels: [
          // Same colour as declared, other case: in place. Description differs: updated.
          { name: "phase-1", color: "0e8a16", description: "Phase 1: planning" },
          { name: "bug", color: "d73a4a", description: "old words" },
          { name: "wontfix", color: "ffffff", description: "not declared: left alone" },
        ],
        milestones: [
          { title: "Phase 1 – Planning", state: "open" },
          { title: "Phase 0 – Archive", state: "closed" },
        ],
        ...extra,
      },
    ],
  };
}

let world: EngineWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function labelsNow(w: EngineWorld) {
  const labels = await w.server.client().paginate(w.server.client().rest.issues.listLabelsForRepo, {
    owner: "acme",
    repo: "widgets",
    per_page: 100,
  });
  return Object.fromEntries(
    labels.map((label) => [label.name, `${label.color} ${label.description ?? ""}`.trim()]),
  );
}

describe("materialize against the local GitHub", () => {
  it("creates what is missing and updates what differs, with exactly one request per change", async () => {
    world = await startEngineWorld(seedWith());
    const result = await engine.run(world.context());

    expectResultContract(result);
    expect(result.ok).toBe(true);
    expect(world.sent).toEqual([
      { method: "GET", path: "/repos/acme/widgets/contents/.github/task-assistant.yml" },
      { method: "GET", path: "/repos/acme/widgets/labels?per_page=100" },
      { method: "GET", path: "/repos/acme/widgets/milestones?state=all&per_page=100" },
      {
        method: "POST",
        path: "/repos/acme/widgets/labels",
        body: { name: "track/sprint", color: "0052CC", description: "Active sprint work" },
      },
      {
        method: "POST",
        path: "/repos/acme/widgets/labels",
        body: { name: "track/backlog", color: "C5DEF5" },
      },
      {
        method: "POST",
        path: "/repos/acme/widgets/labels",
        body: { name: "phase-2", color: "B60205", description: "Phase 2: build" },
      },
      {
        method: "PATCH",
        path: "/repos/acme/widgets/labels/bug",
        body: { description: "Something is broken" },
      },
      {
        method: "POST",
        path: "/repos/acme/widgets/milestones",
        body: { title: "Phase 2 – Build", description: "Second phase" },
      },
    ]);
    expect(await labelsNow(world)).toEqual({
      "track/sprint": "0052CC Active sprint work",
      "track/backlog": "C5DEF5",
      "phase-1": "0e8a16 Phase 1: planning",
      "phase-2": "B60205 Phase 2: build",
      bug: "d73a4a Something is broken",
      wontfix: "ffffff not declared: left alone",
    });
    expect(result.actions).toEqual([
      { id: "label.created", name: "track/sprint", color: "0052CC", description: "Active sprint work" },
      { id: "label.created", name: "track/backlog", color: "C5DEF5" },
      { id: "label.created", name: "phase-2", color: "B60205", description: "Phase 2: build" },
      {
        id: "label.updated",
        name: "bug",
        from: { color: "d73a4a", description: "old words" },
        to: { description: "Something is broken" },
      },
      { id: "milestone.created", title: "Phase 2 – Build", description: "Second phase" },
    ]);
    expect(result.checks).toContainEqual({
      id: "milestones.closed",
      outcome: "WARN",
      details: {
        titles: ["Phase 0 – Archive"],
        hint: "a closed milestone with this title exists; reopen it on GitHub if it is still in use — materialize never recreates or reopens milestones",
      },
    });
    expect(result.summary).toBe("Repository prepared: create 3 labels, update 1 label, create 1 milestone");
  });

  it("makes no write on a second run", async () => {
    world = await startEngineWorld(seedWith());
    await engine.run(world.context());
    await world.resetRequests();

    const again = await engine.run(world.context());
    expect(again).toMatchObject({
      ok: true,
      actions: [],
      summary: "Repository is compliant: nothing to create or update",
    });
    expect(writes(world.sent)).toEqual([]);
    expect(await world.serverCounts()).toEqual({
      "GET /repos/{owner}/{repo}/contents/{path} 200": 1,
      "GET /repos/{owner}/{repo}/labels 200": 1,
      "GET /repos/{owner}/{repo}/milestones 200": 1,
    });
  });

  it("in a dry run reports the plan and sends no write", async () => {
    world = await startEngineWorld(seedWith());
    const result = await engine.run(world.context({ dry_run: true }));
    expect(result).toMatchObject({
      ok: true,
      dry_run: true,
      summary: "Dry run: would create 3 labels, update 1 label, create 1 milestone",
    });
    expect(result.actions).toHaveLength(5);
    expect(result.checks).toContainEqual({
      id: "labels.materialized",
      outcome: "PASS",
      details: {
        would_create: ["track/sprint", "track/backlog", "phase-2"],
        would_update: ["bug"],
        in_place: 1,
      },
    });
    expect(writes(world.sent)).toEqual([]);
  });

  it("pages through every label, so a declared label on the third page is not created again", async () => {
    const many = Array.from({ length: 250 }, (_, index) => ({
      name: `area/${String(index).padStart(3, "0")}`,
      color: "ededed",
    }));
    const config = `schema_version: "1.0"\ntracks: []\nlabels: [{ name: area/249, color: "EDEDED" }]\nmilestones: []\n`;
    world = await startEngineWorld({
      orgs: [{ login: "acme" }],
      repos: [{ name: "acme/widgets", files: { [CONFIG_PATH]: config }, labels: many }],
    });
    const result = await engine.run(world.context());
    expect(result).toMatchObject({ ok: true, actions: [] });
    expect(world.sent.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /repos/acme/widgets/contents/.github/task-assistant.yml",
      "GET /repos/acme/widgets/labels?per_page=100",
      "GET /repos/acme/widgets/labels?per_page=100&page=2",
      "GET /repos/acme/widgets/labels?per_page=100&page=3",
      "GET /repos/acme/widgets/milestones?state=all&per_page=100",
    ]);
  });

  it("stops at the first failed write, says what was and was not done, and a re-run finishes the job", async () => {
    world = await startEngineWorld(seedWith());
    await world.server.addFaults({ route: "POST /repos/{owner}/{repo}/labels", status: 502, count: 1 });
    const failed = await engine.run(world.context());
    expectResultContract(failed);
    expect(failed.ok).toBe(false);
    expect(failed.actions).toEqual([]);
    expect(failed.summary).toBe("Stopped before any change: the first of 5 changes failed");
    expect(failed.checks.at(-1)).toMatchObject({
      id: "materialize.apply",
      outcome: "FAIL",
      details: {
        status: 502,
        step: { kind: "createLabel", name: "track/sprint" },
        not_attempted: 4,
      },
    });

    const retried = await engine.run(world.context());
    expect(retried.ok).toBe(true);
    expect(retried.actions).toHaveLength(5);
  });

  it("on an invalid config records the errors and lists nothing, writes nothing", async () => {
    world = await startEngineWorld(seedWith({}, CONFIG.replace('color: "0E8A16"', 'color: "#0E8A16"')));
    const result = await engine.run(world.context());
    expectResultContract(result);
    expect(result.ok).toBe(false);
    expect(result.checks[1]).toMatchObject({
      id: "config.valid",
      outcome: "FAIL",
      details: { errors: [expect.objectContaining({ path: "/labels/1/color", line: 8, col: 29 })] },
    });
    expect(world.sent).toHaveLength(1);
  });
});
