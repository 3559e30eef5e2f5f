import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type ObservedExchange, type TestGitHub } from "../support/local-github.js";

/**
 * The clients production uses, unmodified, against the local GitHub: Octokit with its pagination,
 * retry and throttling plugins, and system git over smart HTTP.
 */

const OWNER_TOKEN = "octo_owner_token_1";
const DEVELOPER_TOKEN = "dev_push_token_1";
const ISSUE_COUNT = 230;

const seed = {
  users: [{ login: "octo" }, { login: "dev" }],
  orgs: [{ login: "acme", members: [{ login: "octo", role: "admin" as const }] }],
  repos: [
    {
      name: "acme/widgets",
      files: { "README.md": "# widgets\n" },
      collaborators: [{ login: "dev", permission: "push" as const }],
      issues: Array.from({ length: ISSUE_COUNT }, (_, index) => ({
        title: `Widget issue ${index + 1}`,
        created_at: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
      })),
    },
    {
      name: "acme/guarded",
      files: { "README.md": "# guarded\n" },
      collaborators: [{ login: "dev", permission: "push" as const }],
      protection: {
        main: { required_pull_request_reviews: { required_approving_review_count: 1 }, enforce_admins: true },
      },
    },
  ],
  tokens: [
    { user: "octo", token: OWNER_TOKEN },
    { user: "dev", token: DEVELOPER_TOKEN },
  ],
};

let github: TestGitHub;

beforeAll(async () => {
  github = await startTestGitHub(seed);
});

afterEach(async () => {
  await github.clearFaults();
});

afterAll(async () => {
  await github?.stop();
});

/** The exchanges a piece of work caused, on one route. */
async function exchangesDuring(route: string, work: () => Promise<unknown>): Promise<ObservedExchange[]> {
  const start = github.exchanges.length;
  await work();
  return github.exchanges.slice(start).filter((exchange) => `${exchange.method} ${exchange.route}` === route);
}

describe("@octokit/rest through createGitHub (pagination, retry and throttling plugins)", () => {
  it("paginates every issue of a repository, following the server's Link headers", async () => {
    const octokit = github.client(OWNER_TOKEN);
    let numbers: number[] = [];
    const pages = await exchangesDuring("GET /repos/{owner}/{repo}/issues", async () => {
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
        owner: "acme",
        repo: "widgets",
        state: "all",
        per_page: 100,
      });
      numbers = issues.map((issue) => issue.number);
    });

    // Newest first, as GitHub sorts by default: ISSUE_COUNT, ..., 1.
    expect(numbers).toEqual(Array.from({ length: ISSUE_COUNT }, (_, index) => ISSUE_COUNT - index));
    expect(
      pages.map((page) => [page.status, new URL(page.path, github.url).searchParams.get("page")]),
    ).toEqual([
      [200, null],
      [200, "2"],
      [200, "3"],
    ]);
  });

  it("retries an injected 502 and returns the answer of the retry", async () => {
    const octokit = github.client(OWNER_TOKEN, { retries: 2 });
    await github.addFaults({
      route: "GET /repos/{owner}/{repo}/issues/{issue_number}",
      status: 502,
      count: 1,
    });

    let title = "";
    const attempts = await exchangesDuring("GET /repos/{owner}/{repo}/issues/{issue_number}", async () => {
      ({
        data: { title },
      } = await octokit.rest.issues.get({ owner: "acme", repo: "widgets", issue_number: 7 }));
    });

    expect(title).toBe("Widget issue 7");
    expect(attempts.map((attempt) => attempt.status)).toEqual([502, 200]);
  });

  it("gives up with the 502 once its retries are spent", async () => {
    const octokit = github.client(OWNER_TOKEN, { retries: 1 });
    await github.addFaults({
      route: "GET /repos/{owner}/{repo}/issues/{issue_number}",
      status: 502,
      count: 5,
    });

    const attempts = await exchangesDuring("GET /repos/{owner}/{repo}/issues/{issue_number}", async () => {
      await expect(
        octokit.rest.issues.get({ owner: "acme", repo: "widgets", issue_number: 7 }),
      ).rejects.toMatchObject({ status: 502 });
    });

    expect(attempts.map((attempt) => attempt.status)).toEqual([502, 502]);
  });

  it("with pacing on, waits out a secondary rate limit and succeeds", async () => {
    const octokit = github.client(OWNER_TOKEN, { pacing: true });
    await github.addFaults({ route: "GET /repos/{owner}/{repo}", status: 403, retry_after: 1, count: 1 });

    const attempts = await exchangesDuring("GET /repos/{owner}/{repo}", () =>
      octokit.rest.repos.get({ owner: "acme", repo: "widgets" }),
    );

    expect(attempts.map((attempt) => [attempt.status, attempt.headers["retry-after"]])).toEqual([
      [403, "1"],
      [200, undefined],
    ]);
  });
});

describe("plain Octokit.plugin(retry, throttling) with throttling enabled", () => {
  const ThrottledOctokit = Octokit.plugin(retry, throttling);
  type Limited = { retryAfter: number; method: string; url: string; retryCount: number };

  function throttledClient(token: string, limited: { primary: Limited[]; secondary: Limited[] }) {
    const record =
      (into: Limited[], retryWhile: number) =>
      (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number,
      ) => {
        into.push({ retryAfter, method: options.method, url: options.url, retryCount });
        return retryCount < retryWhile;
      };
    return new ThrottledOctokit({
      baseUrl: github.url,
      auth: token,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      throttle: {
        enabled: true,
        onRateLimit: record(limited.primary, 0),
        onSecondaryRateLimit: record(limited.secondary, 1),
      },
    });
  }

  it("honours a secondary-rate-limit 403 with retry-after: told to wait 1 s, then retried once", async () => {
    const limited = { primary: [] as Limited[], secondary: [] as Limited[] };
    const octokit = throttledClient(OWNER_TOKEN, limited);
    await github.addFaults({ route: "GET /repos/{owner}/{repo}", status: 403, retry_after: 1, count: 1 });

    let fullName = "";
    const attempts = await exchangesDuring("GET /repos/{owner}/{repo}", async () => {
      ({
        data: { full_name: fullName },
      } = await octokit.rest.repos.get({ owner: "acme", repo: "widgets" }));
    });

    expect(fullName).toBe("acme/widgets");
    expect(limited).toEqual({
      primary: [],
      secondary: [{ retryAfter: 1, method: "GET", url: "/repos/{owner}/{repo}", retryCount: 0 }],
    });
    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 200]);
  });

  it("recognises a spent primary limit from x-ratelimit-* and is told when it resets", async () => {
    const token = "octo_small_budget_1";
    await github.seed({ tokens: [{ user: "octo", token, rate_limit: 2 }] });
    const limited = { primary: [] as Limited[], secondary: [] as Limited[] };
    const octokit = throttledClient(token, limited);

    await octokit.rest.repos.get({ owner: "acme", repo: "widgets" });
    await octokit.rest.repos.get({ owner: "acme", repo: "widgets" });
    const refused = await exchangesDuring("GET /repos/{owner}/{repo}", async () => {
      await expect(octokit.rest.repos.get({ owner: "acme", repo: "widgets" })).rejects.toMatchObject({
        status: 403,
      });
    });

    expect(refused.map((exchange) => [exchange.status, exchange.headers["x-ratelimit-remaining"]])).toEqual([
      [403, "0"],
    ]);
    expect(limited.secondary).toEqual([]);
    expect(limited.primary).toHaveLength(1);
    expect(limited.primary[0]).toMatchObject({ method: "GET", url: "/repos/{owner}/{repo}", retryCount: 0 });
    // Told to wait for the window's reset, which the refusal dates after its own Date header.
    const [{ headers }] = refused;
    expect(Number(headers["x-ratelimit-reset"])).toBeGreaterThan(Date.parse(headers.date) / 1000);
    expect(limited.primary[0].retryAfter).toBeGreaterThan(0);
  });
});

describe("system git against the server's git endpoint", () => {
  let workspace: string;
  const run = promisify(execFile);

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "local-github-git-"));
  });

  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  /** Runs git with a throwaway HOME (no global identity or config) and the token as basic auth. */
  async function git(token: string, cwd: string, ...args: string[]) {
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    return run("git", ["-c", `http.extraHeader=Authorization: Basic ${basic}`, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: workspace,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_TERMINAL_PROMPT: "0",
        GIT_AUTHOR_NAME: "Dev Eloper",
        GIT_AUTHOR_EMAIL: "dev@example.test",
        GIT_COMMITTER_NAME: "Dev Eloper",
        GIT_COMMITTER_EMAIL: "dev@example.test",
      },
    });
  }

  async function gitOutput(token: string, cwd: string, ...args: string[]): Promise<string> {
    return (await git(token, cwd, ...args)).stdout.trim();
  }

  it("clones, commits, pushes and fetches, and the REST API sees the same commits", async () => {
    const clone = join(workspace, "widgets");
    await git(DEVELOPER_TOKEN, workspace, "clone", `${github.gitUrl}/acme/widgets.git`, clone);
    expect(await readFile(join(clone, "README.md"), "utf8")).toBe("# widgets\n");

    await writeFile(join(clone, "NOTES.md"), "pushed with git\n");
    await git(DEVELOPER_TOKEN, clone, "add", "NOTES.md");
    await git(DEVELOPER_TOKEN, clone, "commit", "-m", "Add notes");
    await git(DEVELOPER_TOKEN, clone, "push", "origin", "main");
    const pushed = await gitOutput(DEVELOPER_TOKEN, clone, "rev-parse", "HEAD");

    const octokit = github.client(DEVELOPER_TOKEN);
    const { data: notes } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "widgets",
      path: "NOTES.md",
    });
    expect(notes).toMatchObject({
      sha: await gitOutput(DEVELOPER_TOKEN, clone, "rev-parse", "HEAD:NOTES.md"),
    });
    const { data: update } = await octokit.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "widgets",
      path: "CHANGELOG.md",
      message: "Start a changelog",
      content: Buffer.from("# Changelog\n").toString("base64"),
    });
    expect((update.commit.parents ?? []).map((parent) => parent.sha)).toEqual([pushed]);

    await git(DEVELOPER_TOKEN, clone, "fetch", "origin");
    expect(await gitOutput(DEVELOPER_TOKEN, clone, "rev-parse", "origin/main")).toBe(update.commit.sha);
    expect(await gitOutput(DEVELOPER_TOKEN, clone, "log", "--format=%s", "origin/main")).toBe(
      ["Start a changelog", "Add notes", "Initial commit"].join("\n"),
    );
    await git(DEVELOPER_TOKEN, clone, "fsck", "--strict");
  });

  it("rejects a push to a protected branch as GitHub does, and accepts it on another branch", async () => {
    const clone = join(workspace, "guarded");
    await git(DEVELOPER_TOKEN, workspace, "clone", `${github.gitUrl}/acme/guarded.git`, clone);
    const before = await gitOutput(DEVELOPER_TOKEN, clone, "rev-parse", "HEAD");
    await writeFile(join(clone, "DIRECT.md"), "straight to main\n");
    await git(DEVELOPER_TOKEN, clone, "add", "DIRECT.md");
    await git(DEVELOPER_TOKEN, clone, "commit", "-m", "Bypass review");

    const refused = await git(DEVELOPER_TOKEN, clone, "push", "origin", "main").then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).not.toBe(0);
    expect(refused?.stderr).toContain("GH006: Protected branch update failed for refs/heads/main.");
    expect(refused?.stderr).toContain("[remote rejected] main -> main (pre-receive hook declined)");

    const octokit = github.client(DEVELOPER_TOKEN);
    await expect(
      octokit.rest.repos.getContent({ owner: "acme", repo: "guarded", path: "DIRECT.md" }),
    ).rejects.toMatchObject({ status: 404 });
    const remoteMain = await gitOutput(DEVELOPER_TOKEN, clone, "ls-remote", "origin", "refs/heads/main");
    expect(remoteMain.split(/\s+/)[0]).toBe(before);

    await git(DEVELOPER_TOKEN, clone, "push", "origin", "HEAD:refs/heads/review/direct");
    const { data: onBranch } = await octokit.rest.repos.getContent({
      owner: "acme",
      repo: "guarded",
      path: "DIRECT.md",
      ref: "review/direct",
    });
    expect(onBranch).toMatchObject({ path: "DIRECT.md", type: "file" });
  });
});
