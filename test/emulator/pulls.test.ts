import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git } from "./git-cli.js";

const repo = { owner: "acme", repo: "infra" };
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("pull requests on the local GitHub", () => {
  let github: TestGitHub;
  let gitdir: string;

  beforeAll(async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "operator" }],
        orgs: [{ login: "acme", members: [{ login: "operator", role: "admin" }] }],
        repos: [
          {
            name: "acme/infra",
            files: { "registry.json": "{}\n", "changelog.jsonl": "" },
            branches: ["register-widgets", "squash-me", "conflicting", "untouched"],
            issues: [{ title: "an ordinary issue" }],
          },
        ],
        tokens: [{ token: "ghp_operator_01", user: "operator" }],
      },
      { clock: fixedClock("2026-04-04T04:04:04Z") },
    );
    gitdir = join(github.stateDir, "repos", "acme", "infra.git");
    const octokit = github.client("ghp_operator_01");
    const write = async (branch: string, path: string, text: string, sha?: string) =>
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        branch,
        path,
        message: `${branch}: ${path}`,
        content: base64(text),
        sha,
      });
    const registry = (await octokit.rest.repos.getContent({ ...repo, path: "registry.json" })).data as {
      sha: string;
    };
    await write("register-widgets", "registry.json", '{"widgets":true}\n', registry.sha);
    await write("squash-me", "a.txt", "a\n");
    await write("squash-me", "b.txt", "b\n");
    await write("conflicting", "registry.json", '{"other":true}\n', registry.sha);
  });
  afterAll(async () => {
    await github.stop();
  });

  it("opens a pull request numbered after the issues, mergeable, and lists it among the issues", async () => {
    const octokit = github.client("ghp_operator_01");
    const opened = await octokit.rest.pulls.create({
      ...repo,
      title: "Register widgets",
      head: "register-widgets",
      base: "main",
      body: "why",
    });
    expect(opened.status).toBe(201);
    expect(opened.data).toMatchObject({
      number: 2,
      state: "open",
      title: "Register widgets",
      head: { ref: "register-widgets", label: "acme:register-widgets" },
      base: { ref: "main" },
      merged: false,
      mergeable: true,
      commits: 1,
      changed_files: 1,
      user: { login: "operator" },
    });
    const issues = await octokit.rest.issues.listForRepo(repo);
    const asIssue = issues.data.find((issue) => issue.number === 2);
    expect(asIssue?.pull_request?.url).toBe(`${github.url}/repos/acme/infra/pulls/2`);
    const listed = await octokit.rest.pulls.list({ ...repo, head: "acme:register-widgets" });
    expect(listed.data.map((pull) => pull.number)).toEqual([2]);
  });

  it("refuses a second open pull request for the same branches and one without commits", async () => {
    const octokit = github.client("ghp_operator_01");
    await expect(
      octokit.rest.pulls.create({ ...repo, title: "again", head: "register-widgets", base: "main" }),
    ).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      octokit.rest.pulls.create({ ...repo, title: "empty", head: "untouched", base: "main" }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { errors: [{ message: "No commits between main and untouched" }] } },
    });
  });

  it("refuses a merge whose expected head sha is stale with 409, then merges with a merge commit", async () => {
    const octokit = github.client("ghp_operator_01");
    const mainBefore = await git(gitdir, "rev-parse", "main");
    await expect(
      octokit.rest.pulls.merge({ ...repo, pull_number: 2, sha: "0".repeat(40) }),
    ).rejects.toMatchObject({
      status: 409,
      response: { data: { message: "Head branch was modified. Review and try the merge again." } },
    });
    const head = await git(gitdir, "rev-parse", "register-widgets");
    const merged = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: 2,
      sha: head,
      merge_method: "merge",
    });
    expect(merged.data).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
    expect(await git(gitdir, "rev-parse", "main")).toBe(merged.data.sha);
    expect((await git(gitdir, "rev-list", "--parents", "-n", "1", "main")).split(" ")).toEqual([
      merged.data.sha,
      mainBefore,
      head,
    ]);
    expect(await git(gitdir, "show", "main:registry.json")).toBe('{"widgets":true}');

    const pull = await octokit.rest.pulls.get({ ...repo, pull_number: 2 });
    expect(pull.data).toMatchObject({
      state: "closed",
      merged: true,
      merge_commit_sha: merged.data.sha,
      merged_by: { login: "operator" },
    });
    expect((await octokit.rest.pulls.checkIfMerged({ ...repo, pull_number: 2 })).status).toBe(204);
    const events = await octokit.rest.issues.listEvents({ ...repo, issue_number: 2 });
    expect(events.data.map((event) => event.event)).toEqual(["merged", "closed"]);
    await expect(octokit.rest.pulls.merge({ ...repo, pull_number: 2 })).rejects.toMatchObject({
      status: 405,
    });
  });

  it("answers 405 for a pull request that does not merge cleanly", async () => {
    const octokit = github.client("ghp_operator_01");
    const opened = await octokit.rest.pulls.create({
      ...repo,
      title: "Conflicts",
      head: "conflicting",
      base: "main",
    });
    expect(opened.data.mergeable).toBe(false);
    await expect(
      octokit.rest.pulls.merge({ ...repo, pull_number: opened.data.number }),
    ).rejects.toMatchObject({
      status: 405,
      response: { data: { message: "Pull Request is not mergeable" } },
    });
    const closed = await octokit.rest.pulls.update({
      ...repo,
      pull_number: opened.data.number,
      state: "closed",
    });
    expect(closed.data).toMatchObject({ state: "closed", merged: false });
  });

  it("squashes a pull request's commits into one commit on the base", async () => {
    const octokit = github.client("ghp_operator_01");
    const opened = await octokit.rest.pulls.create({
      ...repo,
      title: "Two files",
      head: "squash-me",
      base: "main",
    });
    expect(opened.data.commits).toBe(2);
    const before = await git(gitdir, "rev-parse", "main");
    const merged = await octokit.rest.pulls.merge({
      ...repo,
      pull_number: opened.data.number,
      merge_method: "squash",
    });
    expect((await git(gitdir, "rev-list", "--parents", "-n", "1", "main")).split(" ")).toEqual([
      merged.data.sha,
      before,
    ]);
    expect(await git(gitdir, "log", "-1", "--format=%s", "main")).toBe(`Two files (#${opened.data.number})`);
    expect(await git(gitdir, "ls-tree", "--name-only", "main")).toContain("b.txt");
  });
});
