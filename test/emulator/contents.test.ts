import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

const repo = { owner: "acme", repo: "telemetry" };
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("contents on the local GitHub are real git commits", () => {
  let github: TestGitHub;
  let gitdir: string;

  beforeAll(async () => {
    github = await startTestGitHub(
      {
        users: [{ login: "alice", name: "Alice", email: "alice@example.com" }],
        orgs: [{ login: "acme", members: [{ login: "alice", role: "admin" }] }],
        repos: [{ name: "acme/telemetry", files: { "README.md": "# Telemetry\n" } }, { name: "acme/empty" }],
        tokens: [{ token: "ghp_alice_0001", user: "alice" }],
      },
      { clock: fixedClock("2026-03-04T05:06:07Z") },
    );
    gitdir = join(github.stateDir, "repos", "acme", "telemetry.git");
  });
  afterAll(async () => {
    await github.stop();
  });

  const commitCount = async () => Number(await git(gitdir, "rev-list", "--count", "main"));

  it("creates a file with one commit whose SHAs are git's own", async () => {
    const before = await commitCount();
    const created = await github.client("ghp_alice_0001").rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "telemetry/v1/record.json",
      message: "Add a record",
      content: base64('{"ok":true}\n'),
    });
    expect(created.status).toBe(201);
    expect(await commitCount()).toBe(before + 1);
    expect(created.data.commit.sha).toBe(await git(gitdir, "rev-parse", "main"));
    expect(created.data.content?.sha).toBe(await git(gitdir, "rev-parse", "main:telemetry/v1/record.json"));
    expect(await git(gitdir, "show", "main:telemetry/v1/record.json")).toBe('{"ok":true}');
    expect(await git(gitdir, "log", "-1", "--format=%an <%ae> %aI %s", "main")).toBe(
      "Alice <alice@example.com> 2026-03-04T05:06:07+00:00 Add a record",
    );
    expect(created.data.commit).toMatchObject({
      message: "Add a record",
      author: { name: "Alice", date: "2026-03-04T05:06:07Z" },
    });
    expect((await gitResult(gitdir, "fsck", "--strict")).code).toBe(0);
  });

  it("decodes a percent-encoded path into nested directories", async () => {
    const octokit = github.client("ghp_alice_0001");
    const response = await octokit.request("PUT /repos/acme/telemetry/contents/a%2Fb%2Fc.txt", {
      message: "nested",
      content: base64("deep"),
    });
    expect(response.status).toBe(201);
    expect(await git(gitdir, "show", "main:a/b/c.txt")).toBe("deep");
    const read = await octokit.rest.repos.getContent({ ...repo, path: "a/b/c.txt" });
    expect(read.data).toMatchObject({ type: "file", path: "a/b/c.txt", name: "c.txt", encoding: "base64" });
    expect(Buffer.from((read.data as { content: string }).content, "base64").toString()).toBe("deep");
  });

  it("answers 422 when an existing file is written without its sha, and 409 for a stale sha", async () => {
    const octokit = github.client("ghp_alice_0001");
    const first = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "x.txt",
      message: "one",
      content: base64("1"),
    });
    const before = await commitCount();
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: "x.txt",
        message: "two",
        content: base64("2"),
      }),
    ).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Invalid request.\n\n"sha" wasn\'t supplied.' } },
    });
    const updated = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "x.txt",
      message: "two",
      content: base64("2"),
      sha: first.data.content!.sha,
    });
    expect(updated.status).toBe(200);
    await expect(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: "x.txt",
        message: "three",
        content: base64("3"),
        sha: first.data.content!.sha,
      }),
    ).rejects.toMatchObject({
      status: 409,
      response: { data: { message: `x.txt does not match ${first.data.content!.sha}` } },
    });
    expect(await commitCount()).toBe(before + 1);
  });

  it("lists a directory, serves raw bytes on request, and 404s a missing path", async () => {
    const octokit = github.client("ghp_alice_0001");
    const root = await octokit.rest.repos.getContent({ ...repo, path: "" });
    expect(
      (root.data as Array<{ name: string; type: string }>).map((entry) => `${entry.name}:${entry.type}`),
    ).toEqual(expect.arrayContaining(["README.md:file", "telemetry:dir", "a:dir"]));
    const raw = await octokit.rest.repos.getContent({
      ...repo,
      path: "README.md",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe("# Telemetry\n");
    await expect(octokit.rest.repos.getContent({ ...repo, path: "nope.txt" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      octokit.rest.repos.getContent({ ...repo, path: "README.md", ref: "no-such-branch" }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("leaves out the content of files over 1 MB in the JSON form, as GitHub does, and serves them raw", async () => {
    const octokit = github.client("ghp_alice_0001");
    const big = "x".repeat(1024 * 1024 + 1);
    await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: "big.txt",
      message: "A file over 1 MB",
      content: Buffer.from(big).toString("base64"),
    });
    const json = await octokit.rest.repos.getContent({ ...repo, path: "big.txt" });
    expect(json.data).toMatchObject({ type: "file", size: big.length, content: "", encoding: "none" });
    const raw = await octokit.rest.repos.getContent({
      ...repo,
      path: "big.txt",
      mediaType: { format: "raw" },
    });
    expect(raw.data).toBe(big);
  });

  it("deletes a file with its sha in one commit", async () => {
    const octokit = github.client("ghp_alice_0001");
    const file = await octokit.rest.repos.getContent({ ...repo, path: "a/b/c.txt" });
    const sha = (file.data as { sha: string }).sha;
    await expect(
      octokit.rest.repos.deleteFile({ ...repo, path: "a/b/c.txt", message: "rm" } as never),
    ).rejects.toMatchObject({ status: 422 });
    const deleted = await octokit.rest.repos.deleteFile({ ...repo, path: "a/b/c.txt", message: "rm", sha });
    expect(deleted.data.content).toBeNull();
    expect((await gitResult(gitdir, "cat-file", "-e", "main:a")).code).not.toBe(0);
  });

  it("writes the first commit of an empty repository", async () => {
    const octokit = github.client("ghp_alice_0001");
    await expect(
      octokit.rest.repos.getContent({ owner: "acme", repo: "empty", path: "x" }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: "This repository is empty." } },
    });
    const created = await octokit.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "empty",
      path: "first.txt",
      message: "first",
      content: base64("hello"),
    });
    expect(created.data.commit.parents).toEqual([]);
  });

  it("lets parallel writes to one branch each succeed or conflict, never losing a commit", async () => {
    const octokit = github.client("ghp_alice_0001");
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        octokit.rest.repos
          .createOrUpdateFileContents({
            ...repo,
            path: `parallel/${index}.json`,
            message: `record ${index}`,
            content: base64(`${index}`),
          })
          .then((response) => ({ status: response.status, sha: response.data.commit.sha }))
          .catch((error: { status: number; response?: { data?: { message?: string } } }) => ({
            status: error.status,
            sha: undefined,
            message: error.response?.data?.message,
          })),
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === 201 || outcome.status === 409)).toBe(true);
    const committed = outcomes.filter((outcome) => outcome.status === 201).map((outcome) => outcome.sha!);
    expect(committed.length).toBeGreaterThan(0);
    const history = (await git(gitdir, "rev-list", "main")).split("\n");
    for (const sha of committed) expect(history).toContain(sha);
    const files = (await git(gitdir, "ls-tree", "--name-only", "main:parallel")).split("\n");
    expect(files).toHaveLength(committed.length);
    const conflicts = outcomes.filter((outcome) => outcome.status === 409);
    for (const conflict of conflicts)
      expect(conflict).toMatchObject({
        message: expect.stringMatching(/^is at [0-9a-f]{40} but expected [0-9a-f]{40}$/),
      });
    expect((await gitResult(gitdir, "fsck", "--strict")).code).toBe(0);
  });
});
