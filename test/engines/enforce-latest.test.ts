import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { engine } from "../../src/engines/enforce/index.js";
import {
  CONFIG_PATH,
  issueState,
  OWNER,
  REPO,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";

const CONFIG = `schema_version: "1.1"
tracks: []
labels: []
milestones: []
enforcement:
  exclusivity:
    scoped: { mode: enforce, strategy: latest }
`;

let world: EngineWorld;
beforeAll(async () => {
  world = await startEngineWorld({
    orgs: [{ login: OWNER }],
    repos: [
      {
        name: `${OWNER}/${REPO}`,
        files: { [CONFIG_PATH]: CONFIG },
        labels: ["workflow::todo", "workflow::doing", "workflow::review", "bug"].map((name) => ({ name })),
        issues: [{ title: "1 labelled in turn" }, { title: "2 labelled in turn" }],
      },
    ],
  });
  // Label events come from real edits: todo, then review, then doing, all left on the issue.
  const github = world.server.client();
  for (const issue_number of [1, 2]) {
    for (const label of ["workflow::todo", "workflow::review", "workflow::doing"]) {
      await github.rest.issues.addLabels({ owner: OWNER, repo: REPO, issue_number, labels: [label] });
    }
  }
});
afterAll(async () => {
  await world?.stop();
});
beforeEach(async () => {
  await world.resetRequests();
});

describe("enforce with scoped labels and strategy latest", () => {
  it("without a label from the event, reads the issue's label events and keeps the label added last", async () => {
    const result = await engine.run(world.context({ issue_number: 1 }));
    expect(result.ok).toBe(true);
    expect(world.sent.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /repos/acme/widgets/contents/.github/task-assistant.yml",
      "GET /repos/acme/widgets/issues/1",
      "GET /repos/acme/widgets/issues/1/events?per_page=100",
      "DELETE /repos/acme/widgets/issues/1/labels/workflow::todo",
      "DELETE /repos/acme/widgets/issues/1/labels/workflow::review",
    ]);
    expect((await issueState(world, 1)).labels).toEqual(["workflow::doing"]);
  });

  it("with the label an issues.labeled event added, keeps it and reads no events", async () => {
    const result = await engine.run(world.context({ issue_number: 2, label_added: "workflow::review" }));
    expect(result.ok).toBe(true);
    expect(world.sent.some((request) => request.path.includes("/events"))).toBe(false);
    expect(writes(world.sent).map((request) => request.path)).toEqual([
      "/repos/acme/widgets/issues/2/labels/workflow::todo",
      "/repos/acme/widgets/issues/2/labels/workflow::doing",
    ]);
    expect((await issueState(world, 2)).labels).toEqual(["workflow::review"]);
  });
});
