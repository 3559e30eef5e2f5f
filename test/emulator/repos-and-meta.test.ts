import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git } from "./git-cli.js";

describe("repositories, users and meta endpoints on the local GitHub", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "alice", name: "Alice", email: "alice@example.com" }, { login: "bob" }],
      orgs: [{ login: "acme", members: [{ login: "alice", role: "admin" }, "bob"] }],
      repos: [{ name: "acme/old", private: true }],
      apps: [{ slug: "builder", owner: "acme", permissions: { administration: "write", metadata: "read" } }],
      installations: [{ app: "builder", account: "acme" }],
      tokens: [
        { token: "ghp_alice_0001", user: "alice" },
        { token: "ghp_bob_000001", user: "bob" },
      ],
    });
  });
  afterAll(async () => {
    await github.stop();
  });

  it("creates an org repository with an initial commit and GitHub's default labels", async () => {
    const octokit = github.client("ghp_alice_0001");
    const created = await octokit.rest.repos.createInOrg({
      org: "acme",
      name: "telemetry",
      private: true,
      auto_init: true,
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${github.url}/repos/acme/telemetry`);
    expect(created.data).toMatchObject({
      full_name: "acme/telemetry",
      private: true,
      visibility: "private",
      default_branch: "main",
      owner: { login: "acme", type: "Organization" },
      permissions: { admin: true },
      clone_url: `${github.gitUrl}/acme/telemetry.git`,
    });
    const gitdir = join(github.stateDir, "repos", "acme", "telemetry.git");
    expect(await git(gitdir, "log", "--format=%s", "main")).toBe("Initial commit");
    const labels = await octokit.rest.issues.listLabelsForRepo({ owner: "acme", repo: "telemetry" });
    expect(labels.data.map((label) => label.name)).toContain("good first issue");
    await expect(octokit.rest.repos.createInOrg({ org: "acme", name: "telemetry" })).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          errors: [{ resource: "Repository", field: "name", message: "name already exists on this account" }],
        },
      },
    });
  });

  it("lets an installation with administration write create org repositories", async () => {
    const minted = await github.admin<{ token: string }>("POST", "/_emulator/tokens", {
      installation_id: github.seeded!.installations[0].id,
    });
    const created = await github
      .client(minted.token)
      .rest.repos.createInOrg({ org: "acme", name: "from-app" });
    expect(created.data.full_name).toBe("acme/from-app");
  });

  it("lists the org's repositories a caller can see, and the caller's own", async () => {
    const bob = github.client("ghp_bob_000001");
    const names = (await bob.rest.repos.listForOrg({ org: "acme", sort: "full_name" })).data.map(
      (repo) => repo.name,
    );
    expect(names).toEqual(["from-app", "old", "telemetry"]);
    const mine = await github
      .client("ghp_alice_0001")
      .rest.repos.createForAuthenticatedUser({ name: "scratch" });
    expect(mine.data.full_name).toBe("alice/scratch");
    const own = (
      await github.client("ghp_alice_0001").rest.repos.listForAuthenticatedUser({ sort: "full_name" })
    ).data;
    expect(own.map((repo) => repo.full_name)).toEqual([
      "acme/from-app",
      "acme/old",
      "acme/telemetry",
      "alice/scratch",
    ]);
    const outsiderView = await github.client("ghp_bob_000001").rest.repos.listForUser({ username: "alice" });
    expect(outsiderView.data.map((repo) => repo.name)).toEqual(["scratch"]);
  });

  it("answers GET /user for the token's user and GET / with GitHub's links", async () => {
    const user = await github.client("ghp_alice_0001").rest.users.getAuthenticated();
    expect(user.data).toMatchObject({
      login: "alice",
      name: "Alice",
      email: "alice@example.com",
      type: "User",
    });
    const root = await github.client("ghp_alice_0001").request("GET /");
    expect(root.data).toMatchObject({ repository_url: `${github.url}/repos/{owner}/{repo}` });
    await expect(github.client("").rest.users.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  });

  it("answers GET /rate_limit without charging it", async () => {
    const octokit = github.client("ghp_bob_000001");
    const before = (await octokit.rest.rateLimit.get()).data.rate.used;
    await octokit.rest.rateLimit.get();
    expect((await octokit.rest.rateLimit.get()).data.rate.used).toBe(before);
  });

  it("deletes a repository for its admin only", async () => {
    await expect(
      github.client("ghp_bob_000001").rest.repos.delete({ owner: "acme", repo: "old" }),
    ).rejects.toMatchObject({
      status: 403,
    });
    await github.client("ghp_alice_0001").rest.repos.delete({ owner: "acme", repo: "old" });
    await expect(
      github.client("ghp_alice_0001").rest.repos.get({ owner: "acme", repo: "old" }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
