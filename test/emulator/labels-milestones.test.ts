import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const repo = { owner: "acme", repo: "widgets" };

describe("labels and milestones on the local GitHub", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "alice" }],
      orgs: [{ login: "acme", members: [{ login: "alice", role: "admin" }] }],
      repos: [
        {
          name: "acme/widgets",
          labels: [{ name: "Phase-1", color: "0E8A16", description: "Phase 1" }],
          milestones: [
            { title: "Later", due_on: "2026-12-01T00:00:00Z" },
            { title: "Sooner", due_on: "2026-02-01T00:00:00Z" },
            { title: "Undated" },
            { title: "Done", state: "closed" },
          ],
          issues: [
            { title: "a", labels: ["Phase-1"], milestone: "Sooner" },
            { title: "b", labels: ["Phase-1"], milestone: "Sooner", state: "closed" },
          ],
        },
      ],
      tokens: [{ token: "ghp_alice_0001", user: "alice" }],
    });
  });
  afterAll(async () => {
    await github.stop();
  });

  it("refuses a label whose name differs from an existing one only in case", async () => {
    const octokit = github.client("ghp_alice_0001");
    await expect(
      octokit.rest.issues.createLabel({ ...repo, name: "PHASE-1", color: "ffffff" }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: "Validation Failed",
          errors: [{ resource: "Label", code: "already_exists", field: "name" }],
        },
      },
    });
  });

  it("refuses a colour that is not six hex digits, naming the field", async () => {
    await expect(
      github.client("ghp_alice_0001").rest.issues.createLabel({ ...repo, name: "x", color: "invalid" }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: "Label", code: "invalid", field: "color" }] } },
    });
  });

  it("creates, finds by any case, renames and deletes a label", async () => {
    const octokit = github.client("ghp_alice_0001");
    const created = await octokit.rest.issues.createLabel({ ...repo, name: "track/sprint", color: "663399" });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${github.url}/repos/acme/widgets/labels/track%2Fsprint`);
    expect(created.data).toMatchObject({
      name: "track/sprint",
      color: "663399",
      default: false,
      description: null,
    });

    expect((await octokit.rest.issues.getLabel({ ...repo, name: "TRACK/SPRINT" })).data.name).toBe(
      "track/sprint",
    );
    const renamed = await octokit.rest.issues.updateLabel({
      ...repo,
      name: "track/sprint",
      new_name: "track/next",
      color: "BADA55",
    });
    expect(renamed.data).toMatchObject({ name: "track/next", color: "BADA55" });
    await expect(octokit.rest.issues.getLabel({ ...repo, name: "track/sprint" })).rejects.toMatchObject({
      status: 404,
    });

    await octokit.rest.issues.deleteLabel({ ...repo, name: "track/next" });
    await expect(octokit.rest.issues.getLabel({ ...repo, name: "track/next" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("adds labels by name (creating unknown ones), and refuses to remove one the issue lacks", async () => {
    const octokit = github.client("ghp_alice_0001");
    const added = await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: 1,
      labels: ["phase-1", "Fresh"],
    });
    expect(added.data.map((label) => [label.name, label.color])).toEqual([
      ["Phase-1", "0E8A16"],
      ["Fresh", "ededed"],
    ]);
    const set = await octokit.rest.issues.setLabels({ ...repo, issue_number: 1, labels: ["Fresh"] });
    expect(set.data.map((label) => label.name)).toEqual(["Fresh"]);
    await expect(
      octokit.rest.issues.removeLabel({ ...repo, issue_number: 1, name: "Phase-1" }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "Label does not exist" } },
    });
    const removed = await octokit.rest.issues.removeLabel({ ...repo, issue_number: 1, name: "fresh" });
    expect(removed.data).toEqual([]);
  });

  it("deleting a label takes it off every issue", async () => {
    const octokit = github.client("ghp_alice_0001");
    await octokit.rest.issues.createLabel({ ...repo, name: "temporary" });
    await octokit.rest.issues.addLabels({ ...repo, issue_number: 2, labels: ["temporary"] });
    await octokit.rest.issues.deleteLabel({ ...repo, name: "temporary" });
    const issue = await octokit.rest.issues.get({ ...repo, issue_number: 2 });
    expect(issue.data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "Phase-1",
    ]);
  });

  it("refuses a second milestone with the same title", async () => {
    await expect(
      github.client("ghp_alice_0001").rest.issues.createMilestone({ ...repo, title: "Sooner" }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ resource: "Milestone", code: "already_exists", field: "title" }] } },
    });
  });

  it("lists open milestones by due date (undated last), with their issue counts", async () => {
    const listed = await github.client("ghp_alice_0001").rest.issues.listMilestones(repo);
    expect(
      listed.data.map((milestone) => [milestone.title, milestone.open_issues, milestone.closed_issues]),
    ).toEqual([
      ["Sooner", 1, 1],
      ["Later", 0, 0],
      ["Undated", 0, 0],
    ]);
    const closed = await github
      .client("ghp_alice_0001")
      .rest.issues.listMilestones({ ...repo, state: "closed" });
    expect(closed.data.map((milestone) => milestone.title)).toEqual(["Done"]);
    const byCompleteness = await github
      .client("ghp_alice_0001")
      .rest.issues.listMilestones({ ...repo, state: "all", sort: "completeness", direction: "desc" });
    expect(byCompleteness.data[0].title).toBe("Sooner");
  });

  it("closes, renames and deletes a milestone; its issues lose it", async () => {
    const octokit = github.client("ghp_alice_0001");
    const created = await octokit.rest.issues.createMilestone({
      ...repo,
      title: "Phase 9",
      description: "nine",
    });
    expect(created.status).toBe(201);
    const number = created.data.number;
    await octokit.rest.issues.update({ ...repo, issue_number: 1, milestone: number });
    const closed = await octokit.rest.issues.updateMilestone({
      ...repo,
      milestone_number: number,
      state: "closed",
      title: "Phase IX",
    });
    expect(closed.data).toMatchObject({ state: "closed", title: "Phase IX", open_issues: 1 });
    expect(closed.data.closed_at).not.toBeNull();
    await octokit.rest.issues.deleteMilestone({ ...repo, milestone_number: number });
    expect((await octokit.rest.issues.get({ ...repo, issue_number: 1 })).data.milestone).toBeNull();
  });
});
