import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import { checkDispatchTemplate } from "../../src/runtime/check-dispatch-template.js";
import { installHost } from "../../src/runtime/install-host.js";
import { scheduleSlot } from "../../src/runtime/spread-schedule.js";
import { tagAppRelease } from "../support/app-release-tags.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { runCli } from "./support/run-cli.js";
import { writesIn } from "./support/runtime-world.js";

const TOKEN = "ghp_installer_0001";
const CUSTOM_CONFIG = 'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\n';
const TEMPLATES = join(import.meta.dirname, "..", "..", "templates", "host");
/** The releases and channels the app repository has. */
const TAGS = ["v1", "v1.4.0", "v2", "v2.0.0-rc.1", "v2.1.0"];

/**
 * `task-assistant install`: the starter config and the dispatcher pinned to one ref, written through
 * the git data API in one commit; idempotent; a maintainer's config is never overwritten.
 */
describe("task-assistant install", () => {
  let github: TestGitHub;

  beforeAll(async () => {
    github = await startTestGitHub({
      users: [{ login: "ada", email: "ada@example.com" }],
      orgs: [
        { login: "acme", members: [{ login: "ada", role: "admin" }] },
        { login: APP_REPOSITORY.split("/")[0] },
      ],
      repos: [
        { name: APP_REPOSITORY, private: false, files: { "README.md": "# Task Assistant\n" } },
        { name: "acme/fresh", files: { "README.md": "# fresh\n" } },
        {
          name: "acme/custom",
          files: { "README.md": "# custom\n", ".github/task-assistant.yml": CUSTOM_CONFIG },
        },
        { name: "acme/empty" },
        { name: "acme/thin", default_branch: "trunk", files: { "README.md": "# thin\n" } },
        {
          name: "acme/guarded",
          files: { "README.md": "# guarded\n" },
          protection: {
            main: {
              required_pull_request_reviews: { required_approving_review_count: 1 },
              enforce_admins: true,
            },
          },
        },
      ],
      tokens: [{ token: TOKEN, user: "ada" }],
    });
    await tagAppRelease(github, TAGS);
  });
  afterAll(async () => {
    await github.stop();
  });
  beforeEach(async () => {
    await github.resetStats();
  });

  const install = (...args: string[]): ReturnType<typeof runCli> =>
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
    const result = await install("--repo", "acme/custom", "--ref", "v1", "--dry-run");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("would write .github/workflows/task-assistant-dispatch.yml (updated)");
    expect(result.stdout).toContain("dry run: nothing was written to acme/custom");
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("writes the dispatcher for this repository: its schedule slot, its default branch, the App's slug", async () => {
    const result = await install("--repo", "acme/custom", "--ref", "v1", "--app-slug", "acme-assistant");
    expect(result.code).toBe(0);
    const dispatcher = parse(
      await fileOf("acme/custom", ".github/workflows/task-assistant-dispatch.yml"),
    ) as {
      on: { push: { branches: string[] }; schedule: { cron: string }[] };
      jobs: { "task-assistant": { if: string } };
    };
    const { minute, hour } = scheduleSlot("acme/custom");
    expect(dispatcher.on.schedule[0]).toEqual({ cron: `${minute} ${hour} * * *` });
    expect(dispatcher.on.push.branches).toEqual(["main"]);
    expect(dispatcher.jobs["task-assistant"].if).toContain(
      "github.event.sender.login != 'acme-assistant[bot]'",
    );
  });

  it("refuses a channel or release the app repository does not have, before writing anything", async () => {
    for (const ref of ["v3", "v4"]) {
      const result = await install("--repo", "acme/fresh", "--ref", ref);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`refusing to install ${ref}: ${APP_REPOSITORY} has no tag ${ref}`);
    }
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("proposes the install in a pull request when the default branch is protected, and updates it on reinstall", async () => {
    const before = await headOf("acme/guarded");
    const result = await install("--repo", "acme/guarded", "--ref", "v1", "--json");
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      via: string;
      commit_sha: string;
      pull_request: { number: number; url: string; branch: string; created: boolean };
    };
    expect(json.via).toBe("pull-request");
    expect(json.pull_request).toMatchObject({ branch: "task-assistant/install", created: true });
    expect(json.pull_request.url).toMatch(/\/acme\/guarded\/pull\/\d+$/);
    expect((await headOf("acme/guarded")).sha).toBe(before.sha);
    const client = github.client(TOKEN);
    const { data: pull } = await client.rest.pulls.get({
      owner: "acme",
      repo: "guarded",
      pull_number: json.pull_request.number,
    });
    expect(pull).toMatchObject({
      state: "open",
      base: { ref: "main" },
      head: { ref: "task-assistant/install" },
    });
    expect(pull.head.sha).toBe(json.commit_sha);
    expect(pull.title).toBe("Install Task Assistant v1");

    const again = await install("--repo", "acme/guarded", "--ref", "v2");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `main of acme/guarded is protected: updated pull request #${json.pull_request.number} to install Task Assistant v2: ${json.pull_request.url}`,
    );
    const { data: open } = await client.rest.pulls.list({ owner: "acme", repo: "guarded", state: "open" });
    expect(open.map((candidate) => candidate.number)).toEqual([json.pull_request.number]);
    const { data: moved } = await client.rest.pulls.get({
      owner: "acme",
      repo: "guarded",
      pull_number: json.pull_request.number,
    });
    const [owner, repo] = ["acme", "guarded"];
    const file = await client.rest.repos.getContent({
      owner,
      repo,
      path: ".github/workflows/task-assistant-dispatch.yml",
      ref: moved.head.sha,
    });
    expect(Buffer.from((file.data as { content: string }).content, "base64").toString("utf8")).toContain(
      "dispatch.yml@v2",
    );
  });

  it("installs a thin caller of dispatch.yml on the channel, for this repository", async () => {
    const templates = await mkdtemp(join(tmpdir(), "thin-templates-"));
    try {
      await copyFile(
        join(import.meta.dirname, "support", "thin-caller.yml"),
        join(templates, "task-assistant-dispatch.yml"),
      );
      await copyFile(join(TEMPLATES, "task-assistant.yml"), join(templates, "task-assistant.yml"));
      const result = await installHost(github.client(TOKEN), {
        repo: "acme/thin",
        ref: "v1",
        runtime_mode: "marketplace",
        dry_run: false,
        templates_dir: templates,
        app_slug: "task-assistant",
      });
      expect(result).toMatchObject({ via: "commit", branch: "trunk" });
    } finally {
      await rm(templates, { recursive: true, force: true });
    }
    const client = github.client(TOKEN);
    const { data } = await client.rest.repos.getContent({
      owner: "acme",
      repo: "thin",
      path: ".github/workflows/task-assistant-dispatch.yml",
    });
    const workflow = parse(Buffer.from((data as { content: string }).content, "base64").toString("utf8")) as {
      on: { push: { branches: string[] }; schedule: { cron: string }[] };
      jobs: Record<string, { uses: string; if: string }>;
    };
    expect(workflow.jobs["task-assistant"].uses).toBe(`${APP_REPOSITORY}/.github/workflows/dispatch.yml@v1`);
    expect(workflow.on.push.branches).toEqual(["trunk"]);
    const { minute, hour } = scheduleSlot("acme/thin");
    expect(workflow.on.schedule).toEqual([{ cron: `${minute} ${hour} * * *` }]);
  });

  it("explains that a repository without a first commit cannot be installed into", async () => {
    const result = await install("--repo", "acme/empty", "--ref", "v1");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("acme/empty has no commit on main yet");
    expect(result.stderr).toContain("hint: create the repository with an initial commit");
  });
});
