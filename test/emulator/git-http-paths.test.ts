import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

describe("git smart HTTP paths and partial clone", () => {
  let github: TestGitHub;
  let workdir: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "writer" }],
      orgs: [{ login: "acme", members: [{ login: "writer", role: "admin" }] }],
      repos: [
        {
          name: "acme/app",
          private: true,
          files: { "README.md": "# app\n", "src/big.txt": "x".repeat(10_000) },
        },
      ],
      tokens: [{ token: "ghp_writer_0001", user: "writer" }],
    });
    workdir = await mkdtemp(join(tmpdir(), "local-github-paths-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  const remote = (path: string) =>
    `${github.gitUrl.replace("://", "://x-access-token:ghp_writer_0001@")}/${path}`;

  it("clones /owner/repo without .git, as actions/checkout names remotes", async () => {
    const clone = join(workdir, "no-dot-git");
    await git(workdir, "clone", "--quiet", remote("acme/app"), clone);
    expect(await readFile(join(clone, "README.md"), "utf8")).toBe("# app\n");
  });

  it("still refuses an unknown repository and anonymous access to a private one without .git", async () => {
    const missing = await gitResult(workdir, "ls-remote", remote("acme/none"));
    expect(missing.code).not.toBe(0);
    const anonymous = await gitResult(workdir, "ls-remote", `${github.gitUrl}/acme/app`);
    expect(anonymous.code).not.toBe(0);
  });

  it("serves a partial clone (--filter=blob:none): blobs stay on the server until needed", async () => {
    const clone = join(workdir, "partial");
    const cloned = await gitResult(
      workdir,
      "clone",
      "--quiet",
      "--no-checkout",
      "--filter=blob:none",
      remote("acme/app"),
      clone,
    );
    expect(cloned.stderr).not.toContain("filtering not recognized by server");
    const missing = await git(clone, "rev-list", "--objects", "--all", "--missing=print");
    expect(missing.split("\n").filter((line) => line.startsWith("?"))).toHaveLength(2);
    // Checking out fetches the blobs on demand.
    await git(clone, "checkout", "--quiet", "main");
    expect(await readFile(join(clone, "src/big.txt"), "utf8")).toHaveLength(10_000);
  });

  it("fetches a commit by its SHA", async () => {
    const head = (await git(workdir, "ls-remote", remote("acme/app"), "refs/heads/main")).split("\t")[0];
    const repo = join(workdir, "by-sha");
    await git(workdir, "init", "--quiet", repo);
    await git(repo, "fetch", "--quiet", "--depth=1", remote("acme/app"), head);
    expect(await git(repo, "rev-parse", "FETCH_HEAD")).toBe(head);
  });
});
