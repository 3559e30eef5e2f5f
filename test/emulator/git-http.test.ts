import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { git, gitResult } from "./git-cli.js";

describe("git over smart HTTP on the local GitHub", () => {
  let github: TestGitHub;
  let workdir: string;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "writer" }, { login: "reader" }, { login: "stranger" }],
      orgs: [{ login: "acme", members: [{ login: "writer", role: "admin" }, "reader"] }],
      repos: [
        { name: "acme/private", private: true, files: { "README.md": "# private\n" } },
        { name: "acme/public", files: { "README.md": "# public\n" } },
      ],
      apps: [{ slug: "bot", owner: "acme", permissions: { contents: "write", metadata: "read" } }],
      installations: [{ app: "bot", account: "acme", repositories: ["private"] }],
      tokens: [
        { token: "ghp_writer_0001", user: "writer" },
        { token: "ghp_reader_0001", user: "reader" },
        { token: "ghp_strange_001", user: "stranger" },
      ],
    });
    workdir = await mkdtemp(join(tmpdir(), "local-github-clones-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  const remote = (repo: string, token?: string) =>
    `${github.gitUrl.replace("://", token ? `://x-access-token:${token}@` : "://")}/acme/${repo}.git`;

  it("clones, commits and pushes with a token; the REST API sees the pushed commit", async () => {
    const clone = join(workdir, "writer");
    await git(workdir, "clone", "--quiet", remote("private", "ghp_writer_0001"), clone);
    expect(await readFile(join(clone, "README.md"), "utf8")).toBe("# private\n");
    await writeFile(join(clone, "notes.md"), "pushed\n");
    await git(clone, "add", "notes.md");
    await git(clone, "commit", "--quiet", "-m", "Add notes");
    await git(clone, "push", "--quiet", "origin", "main");

    const head = await git(clone, "rev-parse", "HEAD");
    const branch = await github
      .client()
      .rest.repos.getBranch({ owner: "acme", repo: "private", branch: "main" });
    expect(branch.data.commit.sha).toBe(head);
    const file = await github
      .client()
      .rest.repos.getContent({ owner: "acme", repo: "private", path: "notes.md" });
    expect(Buffer.from((file.data as { content: string }).content, "base64").toString()).toBe("pushed\n");
    expect((await github.stats()).git.receive_pack).toBe(1);
  });

  it("fetches what the REST API committed", async () => {
    const clone = join(workdir, "writer");
    const put = await github.client("ghp_writer_0001").rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "private",
      path: "from-api.txt",
      message: "From the API",
      content: Buffer.from("api\n").toString("base64"),
    });
    await git(clone, "pull", "--quiet", "--ff-only", "origin", "main");
    expect(await git(clone, "rev-parse", "HEAD")).toBe(put.data.commit.sha);
    expect(await readFile(join(clone, "from-api.txt"), "utf8")).toBe("api\n");
  });

  it("asks for credentials on a private repository and refuses unknown tokens", async () => {
    const anonymous = await gitResult(workdir, "ls-remote", remote("private"));
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/Authentication failed|could not read Username/);
    const bogus = await gitResult(workdir, "ls-remote", remote("private", "ghp_not_a_token"));
    expect(bogus.code).not.toBe(0);
    const stranger = await gitResult(workdir, "ls-remote", remote("private", "ghp_strange_001"));
    expect(stranger.stderr).toMatch(/not found/i);
  });

  it("lets anyone clone a public repository but only writers push", async () => {
    const clone = join(workdir, "public");
    await git(workdir, "clone", "--quiet", remote("public"), clone);
    await writeFile(join(clone, "x.txt"), "x\n");
    await git(clone, "add", "x.txt");
    await git(clone, "commit", "--quiet", "-m", "x");
    const anonymousPush = await gitResult(clone, "push", "origin", "main");
    expect(anonymousPush.code).not.toBe(0);
    const readerPush = await gitResult(clone, "push", remote("public", "ghp_reader_0001"), "main");
    expect(readerPush.code).not.toBe(0);
    expect(readerPush.stderr).toMatch(/403|denied/);
    await git(clone, "push", "--quiet", remote("public", "ghp_writer_0001"), "main");
  });

  it("accepts an installation token with contents write, for its selected repositories only", async () => {
    const minted = await github.admin<{ token: string }>("POST", "/_emulator/tokens", {
      installation_id: github.seeded!.installations[0].id,
    });
    expect((await gitResult(workdir, "ls-remote", remote("private", minted.token))).code).toBe(0);
    const clone = join(workdir, "bot");
    await git(workdir, "clone", "--quiet", remote("private", minted.token), clone);
    await writeFile(join(clone, "bot.txt"), "bot\n");
    await git(clone, "add", "bot.txt");
    await git(clone, "commit", "--quiet", "-m", "bot");
    await git(clone, "push", "--quiet", "origin", "main");
    const publicPush = await gitResult(clone, "push", remote("public", minted.token), "main:bot");
    expect(publicPush.code).not.toBe(0);
  });

  it("leaves the bare repository consistent for git fsck", async () => {
    const bare = join(github.stateDir, "repos", "acme", "private.git");
    expect((await gitResult(bare, "fsck", "--strict")).code).toBe(0);
  });

  it("fails exactly the faulted fetch, then serves the next; counts the bytes fetches were sent", async () => {
    await github.resetStats();
    await github.addFaults({ route: "POST /{owner}/{repo}/git-upload-pack", status: 503, count: 1 });
    const failed = await gitResult(
      workdir,
      "clone",
      "--quiet",
      remote("public", "ghp_reader_0001"),
      join(workdir, "faulted"),
    );
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain("503");
    const afterFault = (await github.stats()).git.upload_pack_bytes;
    const clone = join(workdir, "after-fault");
    await git(workdir, "clone", "--quiet", remote("public", "ghp_reader_0001"), clone);
    expect(await readFile(join(clone, "README.md"), "utf8")).toBe("# public\n");
    const stats = await github.stats();
    expect(stats.git.upload_pack).toBe(2);
    // The refused fetch was sent its ref advertisement only; the clone that worked was sent a pack too.
    expect(stats.git.upload_pack_bytes - afterFault).toBeGreaterThan(afterFault);
    await github.clearFaults();
  });
});
