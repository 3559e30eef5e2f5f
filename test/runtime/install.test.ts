import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkDispatchTemplate } from "../../src/runtime/check-dispatch-template.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { runCli } from "./support/run-cli.js";
import { writesIn } from "./support/runtime-world.js";

const TOKEN = "ghp_installer_0001";
const CUSTOM_CONFIG = 'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\n';
const TEMPLATES = join(import.meta.dirname, "..", "..", "templates", "host");

/**
 * `task-assistant install`: the starter config and the dispatcher pinned to one ref, written through
 * the git data API in one commit; idempotent; a maintainer's config is never overwritten.
 */
describe("task-assistant install", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "ada", email: "ada@example.com" }],
      orgs: [{ login: "acme", members: [{ login: "ada", role: "admin" }] }],
      repos: [
        { name: "acme/fresh", files: { "README.md": "# fresh\n" } },
        {
          name: "acme/custom",
          files: { "README.md": "# custom\n", ".github/task-assistant.yml": CUSTOM_CONFIG },
        },
        { name: "acme/empty" },
      ],
      tokens: [{ token: TOKEN, user: "ada" }],
    });
  });
  afterAll(async () => {
    await github.stop();
  });
  beforeEach(async () => {
    await github.resetStats();
  });

  const install = (...args: string[]) =>
    runCli(["install", ...args], { env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN } });

  async function fileOf(repo: string, path: string): Promise<string> {
    const [owner, name] = repo.split("/");
    const { data } = await github.client(TOKEN).rest.repos.getContent({ owner, repo: name, path });
    return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
  }

  /** The head commit of the default branch: its sha, parents and message. */
  const headOf = async (repo: string) => {
    const [owner, name] = repo.split("/");
    const client = github.client(TOKEN);
    const ref = await client.rest.git.getRef({ owner, repo: name, ref: "heads/main" });
    const commit = await client.rest.git.getCommit({ owner, repo: name, commit_sha: ref.data.object.sha });
    return {
      sha: commit.data.sha,
      parents: commit.data.parents.map((parent) => parent.sha),
      message: commit.data.message,
    };
  };

  it("writes the starter config and the dispatcher pinned to the ref, in one commit", async () => {
    const before = await headOf("acme/fresh");
    await github.resetStats();
    const result = await install("--repo", "acme/fresh", "--ref", "v1");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /committed [0-9a-f]{12} on main: Task Assistant v1 installed in acme\/fresh/,
    );

    const after = await headOf("acme/fresh");
    expect(after.parents).toEqual([before.sha]);
    expect(after.message).toMatch(/^Install Task Assistant v1/);
    expect(writesIn(await github.stats())).toEqual([
      "PATCH /repos/{owner}/{repo}/git/refs/{ref} 200 ×1",
      "POST /repos/{owner}/{repo}/git/commits 201 ×1",
      "POST /repos/{owner}/{repo}/git/trees 201 ×1",
    ]);

    expect(await fileOf("acme/fresh", ".github/task-assistant.yml")).toBe(
      await readFile(join(TEMPLATES, "task-assistant.yml"), "utf8"),
    );
    const dispatcher = await fileOf("acme/fresh", ".github/workflows/task-assistant-dispatch.yml");
    expect(checkDispatchTemplate(dispatcher, "dispatch.yml", { expectedChannel: "v1" }).problems).toEqual([]);
  });

  it("makes no commit when the same ref is installed again", async () => {
    const before = await headOf("acme/fresh");
    await github.resetStats();
    const result = await install("--repo", "acme/fresh", "--ref", "v1");
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain("acme/fresh already has Task Assistant v1; no commit");
    expect(writesIn(await github.stats())).toEqual([]);
    expect((await headOf("acme/fresh")).sha).toBe(before.sha);
  });

  it("moves the host to another channel and keeps the config it finds", async () => {
    const result = await install("--repo", "acme/custom", "--ref", "v2");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "kept .github/task-assistant.yml (exists; install never overwrites a config)",
    );
    expect(await fileOf("acme/custom", ".github/task-assistant.yml")).toBe(CUSTOM_CONFIG);
    const dispatcher = await fileOf("acme/custom", ".github/workflows/task-assistant-dispatch.yml");
    expect(checkDispatchTemplate(dispatcher, "dispatch.yml", { expectedChannel: "v2" }).problems).toEqual([]);
  });

  it("refuses a floating ref in marketplace mode, before any request", async () => {
    const result = await install("--repo", "acme/fresh", "--ref", "main");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("refusing to install main: hosts follow a channel, not a version");
    expect((await github.stats()).total).toBe(0);
  });

  it("answers a version with its channel, before any request", async () => {
    const result = await install("--repo", "acme/fresh", "--ref", "v1.4.0");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("pass --ref v1: the host follows v1");
    expect((await github.stats()).total).toBe(0);
  });

  it("shows what it would write under --dry-run and writes nothing", async () => {
    const result = await install("--repo", "acme/custom", "--ref", "v3", "--dry-run");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("would write .github/workflows/task-assistant-dispatch.yml (updated)");
    expect(result.stdout).toContain("dry run: nothing was written to acme/custom");
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("explains that a repository without a first commit cannot be installed into", async () => {
    const result = await install("--repo", "acme/empty", "--ref", "v1");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("acme/empty has no commit on main yet");
    expect(result.stderr).toContain("hint: create the repository with an initial commit");
  });
});
