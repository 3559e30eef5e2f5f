import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

describe("issue-list filters", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "alice" }, { login: "bob" }, { login: "alice-b" }],
      repos: [
        {
          name: "alice/app",
          issues: [
            { title: "Body mention", body: "cc @bob please", user: "alice" },
            {
              title: "Comment mention",
              user: "alice",
              comments: [{ body: "@Bob, thoughts?", user: "alice" }],
            },
            { title: "Longer name", body: "ask @bobby and @alice-b", user: "alice" },
            { title: "No mention", body: "bob@example.com", user: "alice" },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await github.stop();
  });

  it("filters by mentioned user in the body or a comment, whole logins only", async () => {
    const listed = await github
      .client()
      .rest.issues.listForRepo({ owner: "alice", repo: "app", mentioned: "bob" });
    expect(listed.data.map((issue) => issue.title).sort()).toEqual(["Body mention", "Comment mention"]);
  });

  it("refuses a filter it does not implement (type) with 422 instead of ignoring it", async () => {
    const answer = await github
      .client()
      .request("GET /repos/{owner}/{repo}/issues", { owner: "alice", repo: "app", type: "Bug" })
      .catch((error: unknown) => error as { status: number; response: { data: unknown } });
    expect(answer.status).toBe(422);
    expect((answer as { response: { data: unknown } }).response.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "Issue", code: "invalid", field: "type" }],
    });
  });
});
