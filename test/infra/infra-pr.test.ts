import { readFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { CHANGELOG_PATH, REGISTRY_PATH, type RegistryV2 } from "../../src/registry/registry-types.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { gitIn, infraFiles, runCli } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

/**
 * The PR half of the operator workflow against the local GitHub: git smart HTTP for push and
 * fetch, the REST API for pull requests, contents, trees and refs.
 */

const TOKEN = "operator_token_1";
const OWNER = "acme";
const REPO = "task-assistant-infra";
const EMPTY_REGISTRY = canonicalJson({
  schema_version: "2.0",
  generated_at: "2026-11-01T00:00:00Z",
  description: "Task Assistant infra registry",
  orgs: {},
} satisfies RegistryV2);

let github: TestGitHub;
const dirs = tempDirs();

beforeAll(async () => {
  github = await startTestGitHub({
    users: [{ login: "operator" }],
    orgs: [{ login: OWNER, members: [{ login: "operator", role: "admin" }] }],
    tokens: [{ user: "operator", token: TOKEN }],
  });
});

afterAll(async () => {
  await github?.stop();
});

let repoCounter = 0;
let repo: string;
let root: string;
let env: Record<string, string>;

/** A fresh infra repository on the local GitHub and a clone of it that can push. */
beforeEach(async () => {
  repo = `${REPO}-${++repoCounter}`;
  await github.seed({
    repos: [
      {
        name: `${OWNER}/${repo}`,
        files: { [REGISTRY_PATH]: EMPTY_REGISTRY, [CHANGELOG_PATH]: "", "README.md": "# infra\n" },
      },
    ],
  });
  const workspace = await dirs.make();
  root = join(workspace, repo);
  const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString("base64")}`;
  await gitIn(
    workspace,
    "-c",
    `http.extraHeader=${auth}`,
    "clone",
    "--quiet",
    `${github.gitUrl}/${OWNER}/${repo}.git`,
    root,
  );
  // The operator's own git credentials: the CLI leaves git authentication to git.
  await gitIn(root, "config", "http.extraHeader", auth);
  env = { GH_TOKEN: TOKEN, GITHUB_API_URL: github.url };
});

afterEach(() => dirs.cleanup());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const infra = (...args: string[]) => runCli(root, ["infra", ...args], env);

async function proposeRegistration(branch: string, repoName: string): Promise<void> {
  expect((await infra("branch", branch)).code).toBe(0);
  const registered = await infra(
    "register",
    "--owner",
    "acme",
    "--repo",
    repoName,
    "--context",
    "production",
    "--telemetry-repo",
    "acme/telemetry",
    "--reason",
    `Onboard ${repoName}`,
  );
  expect(registered.stderr).toBe("");
  expect((await infra("finalize")).code).toBe(0);
  await gitIn(root, "commit", "--quiet", "-m", `Register acme/${repoName}`);
}

async function remoteFile(path: string, ref: string): Promise<string> {
  const { data } = await github.client(TOKEN).rest.repos.getContent({ owner: OWNER, repo, path, ref });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

describe("infra pr create", () => {
  it("pushes the branch and opens a pull request whose body lists the changelog lines it adds", async () => {
    await proposeRegistration("register-widgets", "widgets");
    const created = await infra("pr", "create");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^opened pull request #1 for register-widgets: infra: register acme\/widgets\n/,
    );

    const client = github.client(TOKEN);
    const { data: pull } = await client.rest.pulls.get({ owner: OWNER, repo, pull_number: 1 });
    expect(pull).toMatchObject({
      state: "open",
      title: "infra: register acme/widgets",
      head: { ref: "register-widgets" },
      base: { ref: "main" },
    });
    const addedLine = (await infraFiles(root)).changelogText.trimEnd();
    expect(pull.body).toContain(`\`\`\`jsonl\n${addedLine}\n\`\`\``);
    expect(pull.body).toContain(
      "| register | `acme/widgets` | production | `acme/telemetry` | Onboard widgets |",
    );
    expect(pull.head.sha).toBe(await gitIn(root, "rev-parse", "HEAD"));
    expect(await gitIn(root, "rev-parse", "--abbrev-ref", "register-widgets@{upstream}")).toBe(
      "origin/register-widgets",
    );

    const again = await infra("pr", "create");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^pushed; already open: pull request #1/);
    const { data: open } = await client.rest.pulls.list({ owner: OWNER, repo, state: "all" });
    expect(open).toHaveLength(1);
  });

  it("refuses without a token, with uncommitted changes, and with nothing ahead of main", async () => {
    expect((await infra("branch", "empty")).code).toBe(0);
    const nothing = await infra("pr", "create");
    expect([nothing.code, nothing.stderr]).toEqual([
      2,
      expect.stringMatching(/branch empty has no commits ahead of main/),
    ]);
    await infra(
      "register",
      "--owner",
      "acme",
      "--repo",
      "w",
      "--context",
      "sandbox",
      "--telemetry-repo",
      "t",
      "--reason",
      "r",
    );
    const dirty = await infra("pr", "create");
    expect([dirty.code, dirty.stderr]).toEqual([
      2,
      expect.stringMatching(/refusing to open a pull request with uncommitted changes/),
    ]);
    const noToken = await runCli(root, ["infra", "pr", "create"], { GITHUB_API_URL: github.url });
    expect([noToken.code, noToken.stderr]).toEqual([
      2,
      expect.stringMatching(/no GitHub token: set GH_TOKEN or GITHUB_TOKEN/),
    ]);
    const { data: pulls } = await github.client(TOKEN).rest.pulls.list({ owner: OWNER, repo, state: "all" });
    expect(pulls).toEqual([]);
  });
});

describe("infra pr merge", () => {
  it("re-validates the head through the API, squash-merges, deletes the branch and updates local main", async () => {
    await proposeRegistration("register-widgets", "widgets");
    expect((await infra("pr", "create")).code).toBe(0);
    const localRegistry = (await infraFiles(root)).registryText;
    const exchangesBefore = github.exchanges.length;

    const merged = await infra("pr", "merge");
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    expect(merged.stdout).toMatch(
      /^merged pull request #1 \(1 change\) as [0-9a-f]{12}; deleted branch register-widgets \(also locally\); local main is up to date\n/,
    );

    const client = github.client(TOKEN);
    const { data: pull } = await client.rest.pulls.get({ owner: OWNER, repo, pull_number: 1 });
    expect(pull).toMatchObject({ state: "closed", merged: true });
    const { data: main } = await client.rest.git.getRef({ owner: OWNER, repo, ref: "heads/main" });
    expect(main.object.sha).toBe(pull.merge_commit_sha);
    const { data: squash } = await client.rest.git.getCommit({
      owner: OWNER,
      repo,
      commit_sha: main.object.sha,
    });
    expect(squash.parents).toHaveLength(1);
    expect(squash.message).toMatch(/^infra: register acme\/widgets \(#1\)/);
    await expect(
      client.rest.git.getRef({ owner: OWNER, repo, ref: "heads/register-widgets" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await remoteFile(REGISTRY_PATH, "main")).toBe(localRegistry);

    expect(await gitIn(root, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(await gitIn(root, "rev-parse", "HEAD")).toBe(main.object.sha);
    expect(await gitIn(root, "for-each-ref", "--format=%(refname:short)", "refs/heads")).toBe("main");
    expect((await infra("resolve", "acme/widgets")).code).toBe(0);

    // The head's files were read through the contents API at the head commit, then merged pinned.
    const calls = github.exchanges
      .slice(exchangesBefore)
      .map((exchange) => `${exchange.method} ${exchange.route} ${exchange.status}`);
    expect(calls).toContain("GET /repos/{owner}/{repo}/contents/{path} 200");
    const contentReads = github.exchanges
      .slice(exchangesBefore)
      .filter((exchange) => exchange.route === "/repos/{owner}/{repo}/contents/{path}")
      .map((exchange) => exchange.path);
    expect(contentReads).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`ref=${pull.head.sha}`),
        expect.stringContaining(`ref=${squash.parents[0].sha}`),
      ]),
    );
    expect(
      calls.filter((call) => call.startsWith("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge")),
    ).toEqual(["PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200"]);
  });

  it("refuses a pull request whose head registry was edited after it was opened, and merges nothing", async () => {
    await proposeRegistration("register-gadgets", "gadgets");
    expect((await infra("pr", "create")).code).toBe(0);
    const client = github.client(TOKEN);
    const { data: before } = await client.rest.git.getRef({ owner: OWNER, repo, ref: "heads/main" });

    // Someone edits the registry on the PR branch directly, without a changelog line.
    const headRegistry = await remoteFile(REGISTRY_PATH, "register-gadgets");
    const { data: current } = await client.rest.repos.getContent({
      owner: OWNER,
      repo,
      path: REGISTRY_PATH,
      ref: "register-gadgets",
    });
    await client.rest.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo,
      path: REGISTRY_PATH,
      branch: "register-gadgets",
      message: "Quietly make it a sandbox",
      sha: (current as { sha: string }).sha,
      content: Buffer.from(headRegistry.replace('"production"', '"sandbox"')).toString("base64"),
    });

    const refused = await infra("pr", "merge", "1");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: pull request #1 does not pass validation at its head [0-9a-f]{12}; it was not merged\n/,
    );
    expect(refused.stderr).toMatch(
      /infra\/telemetry-registry\.v2\.json:\d+:\d+ \/orgs\/acme\/repos\/gadgets\/context: the registry is not what its changelog lines produce \(\/orgs\/acme\/repos\/gadgets\/context should be "production"\)/,
    );
    const { data: pull } = await client.rest.pulls.get({ owner: OWNER, repo, pull_number: 1 });
    expect(pull).toMatchObject({ state: "open", merged: false });
    const { data: after } = await client.rest.git.getRef({ owner: OWNER, repo, ref: "heads/main" });
    expect(after.object.sha).toBe(before.object.sha);
    await expect(
      client.rest.git.getRef({ owner: OWNER, repo, ref: "heads/register-gadgets" }),
    ).resolves.toBeDefined();
    expect(await gitIn(root, "symbolic-ref", "--short", "HEAD")).toBe("register-gadgets");
  });

  it("refuses a pull request that also changes other files", async () => {
    await proposeRegistration("register-tools", "tools");
    expect((await infra("pr", "create")).code).toBe(0);
    await github.client(TOKEN).rest.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo,
      path: "scripts/deploy.sh",
      branch: "register-tools",
      message: "Sneak in a script",
      content: Buffer.from("#!/bin/sh\n").toString("base64"),
    });
    const refused = await infra("pr", "merge");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/touches files other than the registry and changelog: scripts\/deploy.sh/);
  });

  it("refuses a pull request that does not contain the latest main", async () => {
    await proposeRegistration("first", "first-repo");
    expect((await infra("pr", "create")).code).toBe(0);
    await gitIn(root, "switch", "--quiet", "main");
    await proposeRegistration("second", "second-repo");
    expect((await infra("pr", "create")).code).toBe(0);
    expect((await infra("pr", "merge", "1")).code).toBe(0);
    await gitIn(root, "switch", "--quiet", "second");
    const stale = await infra("pr", "merge");
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/pull request #2 does not contain the latest main/);
    expect(stale.stderr).toMatch(/hint: update the branch/);
  });

  it("refuses a pull request number that does not exist with exit 2, not as a GitHub failure", async () => {
    const result = await infra("pr", "merge", "7");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(`error: no pull request #7 in ${OWNER}/${repo}`);
    expect(result.stderr).not.toMatch(/try again/);
  });

  it("names a GitHub that does not answer as unreachable, with its URL, never as HTTP 500", async () => {
    const port = await closedPort();
    const result = await runCli(root, ["infra", "pr", "merge", "7"], {
      ...env,
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      `GitHub could not read pull request #7: GitHub could not be reached (ECONNREFUSED): connection refused for GET http://127.0.0.1:${port}/repos/`,
    );
    expect(result.stderr).not.toMatch(/HTTP 500/);
  });

  it("refuses a GITHUB_API_URL that is not a URL with exit 2", async () => {
    const result = await runCli(root, ["infra", "pr", "merge", "7"], {
      ...env,
      GITHUB_API_URL: "api.github.com",
    });
    expect([result.code, result.stderr]).toEqual([
      2,
      expect.stringMatching(/^error: GITHUB_API_URL "api.github.com" is not an http\(s\) URL/),
    ]);
  });

  it("never prints a token embedded in origin's URL", async () => {
    await gitIn(
      root,
      "remote",
      "set-url",
      "origin",
      "https://x-access-token:ghs_SECRET123@ghe.example.invalid/acme/infra.git",
    );
    const { GITHUB_API_URL: _unused, ...withoutApi } = env;
    const result = await runCli(root, ["infra", "pr", "merge", "7"], {
      ...withoutApi,
      TASK_ASSISTANT_HOME: await dirs.make(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch("origin https://***@ghe.example.invalid/acme/infra.git");
    expect(result.stderr).not.toMatch("ghs_SECRET123");
  });

  it("refuses when the branch has no open pull request", async () => {
    expect((await infra("branch", "lonely")).code).toBe(0);
    const result = await infra("pr", "merge");
    expect([result.code, result.stderr]).toEqual([
      2,
      expect.stringMatching(/branch lonely has no open pull request/),
    ]);
  });
});

describe("infra abort after a push", () => {
  it("deletes the branch on origin too", async () => {
    await proposeRegistration("abandon", "abandoned");
    expect((await infra("pr", "create")).code).toBe(0);
    const aborted = await infra("abort");
    expect(aborted.code).toBe(0);
    expect(aborted.stdout).toContain("(also origin/abandon)");
    await expect(
      github.client(TOKEN).rest.git.getRef({ owner: OWNER, repo, ref: "heads/abandon" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await readFile(join(root, REGISTRY_PATH), "utf8")).toBe(EMPTY_REGISTRY);
  });
});
