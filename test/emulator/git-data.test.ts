import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

const repo = { owner: "alice", repo: "data" };

describe("the git data API on the local GitHub", () => {
  let github: TestGitHub;
  let gitdir: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "alice" }],
      repos: [{ name: "alice/data", files: { "README.md": "# data\n", "docs/guide.md": "guide\n" } }],
      tokens: [{ token: "ghp_alice_0001", user: "alice" }],
    });
    gitdir = join(github.stateDir, "repos", "alice", "data.git");
  });
  afterAll(async () => {
    await github.stop();
  });

  it("batches several files into one commit: blobs, a tree on a base tree, a commit, a ref update", async () => {
    const octokit = github.client("ghp_alice_0001");
    const head = await octokit.rest.git.getRef({ ...repo, ref: "heads/main" });
    expect(head.data).toMatchObject({ ref: "refs/heads/main", object: { type: "commit" } });
    const parent = await octokit.rest.git.getCommit({ ...repo, commit_sha: head.data.object.sha });

    const blob = await octokit.rest.git.createBlob({
      ...repo,
      content: Buffer.from("one\n").toString("base64"),
      encoding: "base64",
    });
    expect(blob.status).toBe(201);
    expect(await git(gitdir, "cat-file", "-p", blob.data.sha)).toBe("one");
    expect(blob.data.sha).toBe("5626abf0f72e58d7a153368ba57db4c673c0e171");
    const tree = await octokit.rest.git.createTree({
      ...repo,
      base_tree: parent.data.tree.sha,
      tree: [
        { path: "records/1.json", mode: "100644", type: "blob", sha: blob.data.sha },
        { path: "records/2.json", mode: "100644", type: "blob", content: "two\n" },
        { path: "docs/guide.md", mode: "100644", type: "blob", sha: null },
      ],
    });
    expect(tree.data.tree.map((entry) => entry.path)).toEqual(["README.md", "records"]);
    const commit = await octokit.rest.git.createCommit({
      ...repo,
      message: "Two records in one commit",
      tree: tree.data.sha,
      parents: [head.data.object.sha],
    });
    expect(commit.data).toMatchObject({
      message: "Two records in one commit",
      parents: [{ sha: head.data.object.sha }],
    });
    const moved = await octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: commit.data.sha });
    expect(moved.data.object.sha).toBe(commit.data.sha);

    expect(await git(gitdir, "rev-parse", "main")).toBe(commit.data.sha);
    expect(await git(gitdir, "show", "main:records/2.json")).toBe("two");
    expect((await gitResult(gitdir, "cat-file", "-e", "main:docs")).code).not.toBe(0);
    expect((await gitResult(gitdir, "fsck", "--strict")).code).toBe(0);
  });

  it("reads a tree recursively and a blob as base64", async () => {
    const octokit = github.client("ghp_alice_0001");
    const tree = await octokit.rest.git.getTree({ ...repo, tree_sha: "main", recursive: "1" });
    expect(tree.data.truncated).toBe(false);
    expect(tree.data.tree.map((entry) => `${entry.type} ${entry.path}`)).toEqual([
      "blob README.md",
      "tree records",
      "blob records/1.json",
      "blob records/2.json",
    ]);
    const readme = tree.data.tree[0];
    expect(readme).toMatchObject({ mode: "100644", size: 7 });
    const blob = await octokit.rest.git.getBlob({ ...repo, file_sha: readme.sha });
    expect(Buffer.from(blob.data.content, "base64").toString()).toBe("# data\n");
    await expect(octokit.rest.git.getBlob({ ...repo, file_sha: "0".repeat(40) })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("creates, lists, force-updates and deletes refs the way GitHub answers", async () => {
    const octokit = github.client("ghp_alice_0001");
    const main = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    const first = (await octokit.rest.git.getCommit({ ...repo, commit_sha: main })).data.parents[0].sha;

    const created = await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/topic", sha: main });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`${github.url}/repos/alice/data/git/refs/heads/topic`);
    await expect(
      octokit.rest.git.createRef({ ...repo, ref: "refs/heads/topic", sha: main }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Reference already exists" } },
    });
    const matching = await octokit.rest.git.listMatchingRefs({ ...repo, ref: "heads/" });
    expect(matching.data.map((ref) => ref.ref)).toEqual(["refs/heads/main", "refs/heads/topic"]);

    await expect(
      octokit.rest.git.updateRef({ ...repo, ref: "heads/topic", sha: first }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Update is not a fast forward" } },
    });
    const forced = await octokit.rest.git.updateRef({ ...repo, ref: "heads/topic", sha: first, force: true });
    expect(forced.data.object.sha).toBe(first);

    await octokit.rest.git.deleteRef({ ...repo, ref: "heads/topic" });
    await expect(octokit.rest.git.getRef({ ...repo, ref: "heads/topic" })).rejects.toMatchObject({
      status: 404,
    });
  });

  it("decodes percent-encoded slashes in refs", async () => {
    const octokit = github.client("ghp_alice_0001");
    const main = (await octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
    await octokit.rest.git.createRef({ ...repo, ref: "refs/heads/feature/deep", sha: main });
    const raw = await octokit.request("GET /repos/alice/data/git/ref/heads%2Ffeature%2Fdeep");
    expect(raw.data).toMatchObject({ ref: "refs/heads/feature/deep", object: { sha: main } });
  });

  it("refuses commits on trees or parents that do not exist", async () => {
    const octokit = github.client("ghp_alice_0001");
    await expect(
      octokit.rest.git.createCommit({ ...repo, message: "x", tree: "1".repeat(40), parents: [] }),
    ).rejects.toMatchObject({ status: 422 });
    const tree = (await octokit.rest.git.getTree({ ...repo, tree_sha: "main" })).data.sha;
    await expect(
      octokit.rest.git.createCommit({ ...repo, message: "x", tree, parents: ["2".repeat(40)] }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
