import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

const repo = { owner: "acme", repo: "widgets" };

describe("issues on the local GitHub", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "alice" }, { login: "bob" }],
        orgs: [{ login: "acme", members: [{ login: "alice", role: "admin" }, "bob"] }],
        repos: [
          {
            name: "acme/widgets",
            labels: [{ name: "phase-1" }, { name: "priority/high" }],
            milestones: [{ title: "Phase 1" }, { title: "Phase 2" }],
            issues: [
              {
                title: "first",
                created_at: "2026-01-01T00:00:00Z",
                labels: ["phase-1"],
                milestone: "Phase 1",
              },
              { title: "second", created_at: "2026-01-02T00:00:00Z", labels: ["phase-1", "priority/high"] },
              { title: "third", created_at: "2026-01-03T00:00:00Z", assignees: ["bob"], user: "bob" },
              { title: "fourth", created_at: "2026-01-04T00:00:00Z", state: "closed", milestone: "Phase 2" },
              { title: "fifth", created_at: "2026-01-05T00:00:00Z", updated_at: "2026-03-01T00:00:00Z" },
              {
                title: "sixth",
                created_at: "2026-01-06T00:00:00Z",
                comments: [{ body: "a" }, { body: "b" }],
              },
              { title: "seventh", created_at: "2026-01-07T00:00:00Z" },
            ],
          },
        ],
        tokens: [{ token: "ghp_alice_0001", user: "alice" }],
      },
      { clock: fixedClock("2026-06-01T12:00:00Z") },
    );
  });
  afterAll(async () => {
    await github.stop();
  });

  const titles = (issues: Array<{ title: string }>) => issues.map((issue) => issue.title);

  it("lists open issues newest first, three to a page, with GitHub's Link header", async () => {
    const octokit = github.client("ghp_alice_0001");
    const first = await octokit.rest.issues.listForRepo({ ...repo, per_page: 3 });
    expect(titles(first.data)).toEqual(["seventh", "sixth", "fifth"]);
    const links = first.headers.link ?? "";
    expect(links).toContain('page=2>; rel="next"');
    expect(links).toContain('page=2>; rel="last"');
    expect(links).not.toContain('rel="prev"');

    const second = await octokit.rest.issues.listForRepo({ ...repo, per_page: 3, page: 2 });
    expect(titles(second.data)).toEqual(["third", "second", "first"]);
    expect(second.headers.link).toContain('page=1>; rel="prev"');
    expect(second.headers.link).toContain('page=1>; rel="first"');
    expect(second.headers.link).not.toContain('rel="next"');
  });

  it("follows the Link headers with Octokit's paginate", async () => {
    const all = await github.client("ghp_alice_0001").paginate("GET /repos/{owner}/{repo}/issues", {
      ...repo,
      state: "all",
      per_page: 2,
    });
    expect(all).toHaveLength(7);
  });

  it("filters by labels (all of them, any case), milestone, assignee, creator and state", async () => {
    const octokit = github.client("ghp_alice_0001");
    const list = async (query: Record<string, string | number>) =>
      titles((await octokit.rest.issues.listForRepo({ ...repo, ...query })).data);
    expect(await list({ labels: "PHASE-1" })).toEqual(["second", "first"]);
    expect(await list({ labels: "phase-1,priority/high" })).toEqual(["second"]);
    expect(await list({ milestone: "1" })).toEqual(["first"]);
    expect(await list({ milestone: "*", state: "all" })).toEqual(["fourth", "first"]);
    expect(await list({ milestone: "none", state: "all" })).toHaveLength(5);
    expect(await list({ assignee: "bob" })).toEqual(["third"]);
    expect(await list({ assignee: "none" })).toHaveLength(5);
    expect(await list({ creator: "bob" })).toEqual(["third"]);
    expect(await list({ state: "closed" })).toEqual(["fourth"]);
    expect(await list({ since: "2026-02-01T00:00:00Z" })).toEqual(["fifth"]);
  });

  it("sorts by updated time and by comment count in either direction", async () => {
    const octokit = github.client("ghp_alice_0001");
    const list = async (sort: "updated" | "comments", direction: "asc" | "desc") =>
      titles((await octokit.rest.issues.listForRepo({ ...repo, sort, direction, per_page: 2 })).data);
    expect(await list("updated", "desc")).toEqual(["fifth", "seventh"]);
    expect(await list("comments", "desc")).toEqual(["sixth", "seventh"]);
    expect(await list("updated", "asc")).toEqual(["first", "second"]);
  });

  it("creates an issue as the token's user, at the clock's time, with a location", async () => {
    const created = await github.client("ghp_alice_0001").rest.issues.create({
      ...repo,
      title: "eighth",
      body: "details",
      labels: ["phase-1", "brand-new"],
      milestone: 2,
      assignees: ["bob"],
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${github.url}/repos/acme/widgets/issues/8`);
    expect(created.data).toMatchObject({
      number: 8,
      title: "eighth",
      body: "details",
      state: "open",
      user: { login: "alice" },
      assignees: [{ login: "bob" }],
      milestone: { number: 2, title: "Phase 2", open_issues: 1, closed_issues: 1 },
      created_at: "2026-06-01T12:00:00Z",
      author_association: "MEMBER",
    });
    expect(created.data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "phase-1",
      "brand-new",
    ]);
  });

  it("records an event with actor and time for every change an update makes", async () => {
    const octokit = github.client("ghp_alice_0001");
    const updated = await octokit.rest.issues.update({
      ...repo,
      issue_number: 1,
      title: "first, renamed",
      labels: ["priority/high"],
      milestone: null,
      state: "closed",
      state_reason: "not_planned",
    });
    expect(updated.data).toMatchObject({
      state: "closed",
      state_reason: "not_planned",
      closed_at: "2026-06-01T12:00:00Z",
      closed_by: { login: "alice" },
      milestone: null,
    });
    const events = await octokit.rest.issues.listEvents({ ...repo, issue_number: 1 });
    expect(
      events.data.map((event) => ({
        event: event.event,
        actor: event.actor?.login,
        at: event.created_at,
        label: "label" in event ? event.label?.name : undefined,
      })),
    ).toEqual([
      { event: "renamed", actor: "alice", at: "2026-06-01T12:00:00Z", label: undefined },
      { event: "unlabeled", actor: "alice", at: "2026-06-01T12:00:00Z", label: "phase-1" },
      { event: "labeled", actor: "alice", at: "2026-06-01T12:00:00Z", label: "priority/high" },
      { event: "demilestoned", actor: "alice", at: "2026-06-01T12:00:00Z", label: undefined },
      { event: "closed", actor: "alice", at: "2026-06-01T12:00:00Z", label: undefined },
    ]);

    await octokit.rest.issues.update({ ...repo, issue_number: 1, state: "open" });
    const reopened = await octokit.rest.issues.get({ ...repo, issue_number: 1 });
    expect(reopened.data).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
  });

  it("answers 404 for an issue that does not exist and 422 naming a missing title", async () => {
    const octokit = github.client("ghp_alice_0001");
    await expect(octokit.rest.issues.get({ ...repo, issue_number: 999 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.issues.create({ ...repo, title: "" })).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message: "Validation Failed",
          errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
        },
      },
    });
    await expect(octokit.rest.issues.create({ ...repo, title: "x", milestone: 42 })).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ field: "milestone" }] } },
    });
  });

  it("lists, adds and removes comments, moving the issue's updated_at", async () => {
    const octokit = github.client("ghp_alice_0001");
    await github.setClock({ set: "2026-07-01T00:00:00Z" });
    const comment = await octokit.rest.issues.createComment({ ...repo, issue_number: 2, body: "hello" });
    expect(comment.status).toBe(201);
    expect(comment.data).toMatchObject({
      body: "hello",
      user: { login: "alice" },
      created_at: "2026-07-01T00:00:00Z",
    });
    const issue = await octokit.rest.issues.get({ ...repo, issue_number: 2 });
    expect(issue.data).toMatchObject({ comments: 1, updated_at: "2026-07-01T00:00:00Z" });
    const since = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: 6,
      since: "2026-06-30T00:00:00Z",
    });
    expect(since.data).toEqual([]);
    await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.data.id });
    expect((await octokit.rest.issues.listComments({ ...repo, issue_number: 2 })).data).toEqual([]);
  });
});
