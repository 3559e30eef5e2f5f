import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

describe("the local GitHub keeps its state across restarts", () => {
  let stateDir: string;
  let github: TestGitHub | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "local-github-state-"));
  });
  afterEach(async () => {
    await github?.stop();
    github = undefined;
    await rm(stateDir, { recursive: true, force: true });
  });

  it("has every issue, label, token, file and the admin token after a restart on the same directory", async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "alice" }],
        repos: [{ name: "alice/notes", files: { "a.txt": "a" } }],
        tokens: [{ token: "ghp_alice_0001", user: "alice" }],
      },
      { stateDir },
    );
    const octokit = github.client("ghp_alice_0001");
    await octokit.rest.issues.createLabel({ owner: "alice", repo: "notes", name: "kept" });
    await octokit.rest.issues.create({
      owner: "alice",
      repo: "notes",
      title: "remember me",
      labels: ["kept"],
    });
    const put = await octokit.rest.repos.createOrUpdateFileContents({
      owner: "alice",
      repo: "notes",
      path: "b.txt",
      message: "b",
      content: Buffer.from("b").toString("base64"),
    });
    const adminToken = github.adminToken;
    await github.stop();

    github = await startTestGitHub(undefined, { stateDir });
    expect(github.adminToken).toBe(adminToken);
    const again = github.client("ghp_alice_0001");
    const issue = await again.rest.issues.get({ owner: "alice", repo: "notes", issue_number: 1 });
    expect(issue.data).toMatchObject({ title: "remember me", labels: [{ name: "kept" }] });
    const file = await again.rest.repos.getContent({ owner: "alice", repo: "notes", path: "b.txt" });
    expect((file.data as { sha: string }).sha).toBe(put.data.content!.sha);
    const next = await again.rest.issues.create({ owner: "alice", repo: "notes", title: "and me" });
    expect(next.data.number).toBe(2);
    const gitdir = join(stateDir, "repos", "alice", "notes.git");
    expect(await git(gitdir, "rev-parse", "main")).toBe(put.data.commit.sha);
    expect((await gitResult(gitdir, "fsck")).code).toBe(0);
  });
});
