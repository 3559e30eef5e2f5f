import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

/**
 * Racing writers against one branch, as engines emitting telemetry at the same moment do: GitHub
 * serialises them, answering the losers with a conflict; it never loses a write it acknowledged.
 */

const TOKEN = "octo_race_token_1";
const WRITERS = 24;

const seed = {
  users: [{ login: "octo" }],
  repos: [
    { name: "octo/telemetry", files: { "README.md": "# telemetry\n" } },
    { name: "octo/refs", files: { "README.md": "# refs\n" } },
  ],
  tokens: [{ user: "octo", token: TOKEN }],
};

let github: TestGitHub;
let workspace: string;
const run = promisify(execFile);

beforeAll(async () => {
  github = await startTestGitHub(seed);
  workspace = await mkdtemp(join(tmpdir(), "local-github-race-"));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
  await github?.stop();
});

/** System git with a throwaway HOME and identity, authenticated with the token. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const basic = Buffer.from(`x-access-token:${TOKEN}`).toString("base64");
  const { stdout } = await run("git", ["-c", `http.extraHeader=Authorization: Basic ${basic}`, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      HOME: workspace,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "Race Runner",
      GIT_AUTHOR_EMAIL: "race@example.test",
      GIT_COMMITTER_NAME: "Race Runner",
      GIT_COMMITTER_EMAIL: "race@example.test",
    },
  });
  return stdout.trim();
}

/** Status of a settled Octokit call: the response's, or the error's. */
function statusOf(result: PromiseSettledResult<{ status: number }>): number {
  return result.status === "fulfilled" ? result.value.status : (result.reason as { status: number }).status;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

describe("parallel contents PUTs to one branch", () => {
  it("each end in 201 or 409, and every acknowledged commit is in the branch history with its file", async () => {
    const octokit = github.client(TOKEN);
    const results = await Promise.allSettled(
      range(WRITERS).map((index) =>
        octokit.rest.repos.createOrUpdateFileContents({
          owner: "octo",
          repo: "telemetry",
          path: `records/run-${index}.json`,
          message: `Record run ${index}`,
          content: Buffer.from(`{"run":${index}}\n`).toString("base64"),
        }),
      ),
    );

    const statuses = results.map(statusOf);
    expect(statuses.filter((status) => status !== 201 && status !== 409)).toEqual([]);
    const created = results.flatMap((result, index) =>
      result.status === "fulfilled" ? [{ index, sha: result.value.data.commit.sha! }] : [],
    );
    expect(created.length).toBeGreaterThan(0);

    const clone = join(workspace, "telemetry");
    await git(workspace, "clone", "--quiet", `${github.gitUrl}/octo/telemetry.git`, clone);
    const history = (await git(clone, "rev-list", "--first-parent", "HEAD")).split("\n");
    expect(created.filter(({ sha }) => !history.includes(sha))).toEqual([]);
    // One commit per acknowledged write on top of the initial one: no extra, none lost.
    expect(history).toHaveLength(created.length + 1);
    const files = (await git(clone, "ls-tree", "-r", "--name-only", "HEAD", "records")).split("\n").sort();
    expect(files).toEqual(created.map(({ index }) => `records/run-${index}.json`).sort());
  });

  it("updating one file from the same blob sha: exactly one 200, the others 409, and the winner's content stays", async () => {
    const octokit = github.client(TOKEN);
    const { data: created } = await octokit.rest.repos.createOrUpdateFileContents({
      owner: "octo",
      repo: "telemetry",
      path: "state/counter.txt",
      message: "Start the counter",
      content: Buffer.from("0\n").toString("base64"),
    });
    const blob = created.content!.sha!;

    const results = await Promise.allSettled(
      range(WRITERS).map((index) =>
        octokit.rest.repos.createOrUpdateFileContents({
          owner: "octo",
          repo: "telemetry",
          path: "state/counter.txt",
          message: `Counter from writer ${index}`,
          content: Buffer.from(`${index + 1}\n`).toString("base64"),
          sha: blob,
        }),
      ),
    );

    const statuses = results.map(statusOf);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200 && status !== 409)).toEqual([]);
    const winner = statuses.indexOf(200);
    const { data: stored } = await octokit.rest.repos.getContent({
      owner: "octo",
      repo: "telemetry",
      path: "state/counter.txt",
    });
    expect(Buffer.from((stored as { content: string }).content, "base64").toString()).toBe(`${winner + 1}\n`);
  });
});

describe("racing ref updates", () => {
  let clone: string;
  let base: string;
  const candidates: string[] = [];

  beforeAll(async () => {
    // N commits, each a child of main's head, pushed to side branches so the server has them.
    clone = join(workspace, "refs");
    await git(workspace, "clone", "--quiet", `${github.gitUrl}/octo/refs.git`, clone);
    base = await git(clone, "rev-parse", "HEAD");
    for (const index of range(WRITERS)) {
      await git(clone, "checkout", "--quiet", "--detach", base);
      await writeFile(join(clone, "candidate.txt"), `candidate ${index}\n`);
      await git(clone, "add", "candidate.txt");
      await git(clone, "commit", "--quiet", "-m", `Candidate ${index}`);
      candidates.push(await git(clone, "rev-parse", "HEAD"));
    }
    await git(
      clone,
      "push",
      "--quiet",
      "origin",
      ...candidates.map((sha, index) => `${sha}:refs/heads/candidate-${index}`),
    );
  });

  it("exactly one of N fast-forward PATCHes from the same old sha wins; the rest are not fast forwards", async () => {
    const octokit = github.client(TOKEN);
    const results = await Promise.allSettled(
      candidates.map((sha) =>
        octokit.rest.git.updateRef({ owner: "octo", repo: "refs", ref: "heads/main", sha }),
      ),
    );

    const statuses = results.map(statusOf);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200)).toEqual(Array(WRITERS - 1).fill(422));
    const winner = candidates[statuses.indexOf(200)];
    const { data: main } = await octokit.rest.git.getRef({ owner: "octo", repo: "refs", ref: "heads/main" });
    expect(main.object.sha).toBe(winner);
    expect(await git(clone, "ls-remote", "origin", "refs/heads/main")).toBe(`${winner}\trefs/heads/main`);
  });

  it("exactly one of N creations of the same ref wins; the rest find it exists", async () => {
    const octokit = github.client(TOKEN);
    const results = await Promise.allSettled(
      candidates.map((sha) =>
        octokit.rest.git.createRef({ owner: "octo", repo: "refs", ref: "refs/heads/release", sha }),
      ),
    );

    const statuses = results.map(statusOf);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 201)).toEqual(Array(WRITERS - 1).fill(422));
    const winner = candidates[statuses.indexOf(201)];
    const { data: release } = await octokit.rest.git.getRef({
      owner: "octo",
      repo: "refs",
      ref: "heads/release",
    });
    expect(release.object.sha).toBe(winner);
  });
});
