import { afterEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.js";
import { startLocalGitHub } from "../../src/emulator/start-local-github.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

describe("seeding the local GitHub", () => {
  let github: TestGitHub | undefined;
  afterEach(async () => {
    await github?.stop();
    github = undefined;
  });

  const postSeed = async (body: string, contentType = "application/yaml") => {
    const response = await fetch(`${github!.url}/_emulator/seed`, {
      method: "POST",
      headers: { authorization: `token ${github!.adminToken}`, "content-type": contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("refuses a seed with schema problems, naming each by JSON pointer and line:col", async () => {
    github = await startTestGitHub();
    const answer = await postSeed(
      [
        "users:",
        "  - login: alice",
        "    nmae: Alice",
        "repos:",
        "  - name: acme/widgets",
        "    private: maybe",
        "",
      ].join("\n"),
    );
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      { path: "/users/0/nmae", message: 'unknown key "nmae"', line: 3, col: 11 },
      { path: "/repos/0/private", message: "must be boolean", line: 6, col: 14 },
    ]);
  });

  it("refuses references to things that exist nowhere, and applies nothing", async () => {
    github = await startTestGitHub();
    const answer = await postSeed(
      JSON.stringify({
        users: [{ login: "alice" }],
        repos: [{ name: "ghost/widgets", issues: [{ title: "x", milestone: "Nope", user: "bob" }] }],
        tokens: [{ token: "ghp_alice_0001", user: "alice" }],
      }),
      "application/json",
    );
    expect(answer.status).toBe(422);
    expect((answer.body.errors as Array<{ path: string }>).map((problem) => problem.path)).toEqual([
      "/repos/0/name",
      "/repos/0/issues/0/user",
      "/repos/0/issues/0/milestone",
    ]);
    await expect(github.client("ghp_alice_0001").rest.users.getAuthenticated()).rejects.toMatchObject({
      status: 401,
    });
  });

  it("applies a YAML seed and answers what it created, keys and tokens included", async () => {
    github = await startTestGitHub();
    const answer = await postSeed(
      [
        "users: [{ login: alice }]",
        "orgs: [{ login: acme, members: [{ login: alice, role: admin }] }]",
        "repos:",
        "  - name: acme/widgets",
        "    files: { README.md: hello }",
        "    issues: [{ title: one, comments: [{ body: hi }] }]",
        "apps: [{ slug: helper, owner: acme }]",
        "installations: [{ app: helper, account: acme }]",
        "tokens: [{ user: alice }]",
        "",
      ].join("\n"),
    );
    expect(answer.status).toBe(200);
    const result = answer.body as {
      repos: Array<{ full_name: string }>;
      apps: Array<{ private_key: string }>;
      tokens: Array<{ token: string }>;
    };
    expect(result.repos[0].full_name).toBe("acme/widgets");
    expect(result.apps[0].private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const octokit = github.client(result.tokens[0].token);
    const issue = await octokit.rest.issues.get({ owner: "acme", repo: "widgets", issue_number: 1 });
    expect(issue.data).toMatchObject({ title: "one", comments: 1, user: { login: "alice" } });
  });

  it("adds to what is there when a second seed names a known repository", async () => {
    github = await startTestGitHub({
      users: [{ login: "alice" }],
      repos: [{ name: "alice/notes", labels: [{ name: "a" }], issues: [{ title: "one" }] }],
    });
    await github.seed({
      repos: [{ name: "alice/notes", labels: [{ name: "b" }], issues: [{ title: "two" }] }],
    });
    const octokit = github.client();
    const labels = await octokit.rest.issues.listLabelsForRepo({ owner: "alice", repo: "notes" });
    expect(labels.data.map((label) => label.name)).toEqual(["a", "b"]);
    const issues = await octokit.rest.issues.listForRepo({ owner: "alice", repo: "notes" });
    expect(issues.data.map((issue) => [issue.number, issue.title])).toEqual([
      [2, "two"],
      [1, "one"],
    ]);
  });

  it("does not apply the same seed twice, answering the first result again", async () => {
    const seed = {
      users: [{ login: "alice" }],
      repos: [{ name: "alice/notes", issues: [{ title: "once" }] }],
      tokens: [{ user: "alice" }],
    };
    github = await startTestGitHub(seed);
    const again = await github.seed(seed);
    expect(again).toEqual(github.seeded);
    const issues = await github.client().rest.issues.listForRepo({ owner: "alice", repo: "notes" });
    expect(issues.data.map((issue) => issue.title)).toEqual(["once"]);
  });

  it("makes startLocalGitHub reject a bad seed with a ValidationError and leave nothing running", async () => {
    const starting = startLocalGitHub({ seed: { users: [{ login: "-bad-" }] } });
    await expect(starting).rejects.toBeInstanceOf(ValidationError);
    await expect(starting).rejects.toMatchObject({ problems: [{ path: "/users/0/login" }] });
  });
});
