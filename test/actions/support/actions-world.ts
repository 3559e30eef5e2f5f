import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { gitWorkflowFiles } from "../../../src/actions-runner/git-workflow-files.js";
import { localGitHubIdToken } from "../../../src/actions-runner/local-github-id-token.js";
import { startWorkflowRun, type WorkflowRunHandle } from "../../../src/actions-runner/run-workflow.js";
import type { JobResult, RunResult, RunWorkflowOptions } from "../../../src/actions-runner/run-types.js";
import { startBroker, type RunningBroker } from "../../../src/broker/start-broker.js";
import { BROKER_AUDIENCE } from "../../../src/github/broker-token-provider.js";
import { REGISTRY_PATH } from "../../../src/registry/registry-types.js";
import { APP_REPOSITORY, DISPATCH_WORKFLOW_PATH } from "../../../src/runtime/app-repository.js";
import { installHost } from "../../../src/runtime/install-host.js";
import { moveChannel, prepareRelease, publishRelease } from "../../../src/release/release-ops.js";
import { startTestGitHub, type EmulatorStats, type TestGitHub } from "../../support/local-github.js";

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, "..", "..", "..");
/** The release the world publishes first, and the channel hosts follow. */
export const RELEASE = "v1.0.0";
export const CHANNEL = "v1";
export const INFRA = "automated-assistant-systems/task-assistant-infra";
export const HOST = "acme/widgets";
export const PAUSED = "acme/paused";
export const TELEMETRY = "acme/task-assistant-telemetry";
const [OPERATOR] = APP_REPOSITORY.split("/");
/** A person's token for reading and labelling issues as the maintainer does. */
export const MAINTAINER_TOKEN = "ghp_alice_maintainer_token_0001";
/** The token jobs get as GITHUB_TOKEN: a reader of public repositories, nothing more. */
const JOB_TOKEN = "ghp_actions_job_token_0000000001";

const entry = (state: "enabled" | "disabled") => ({
  state,
  context: "sandbox",
  process: "infra-cli",
  reason: "acceptance through the workflows",
});

export const REGISTRY = {
  schema_version: "2.0",
  generated_at: "2026-11-21T00:00:00Z",
  orgs: {
    acme: {
      telemetry_repo: TELEMETRY,
      repos: { widgets: entry("enabled"), paused: entry("disabled") },
    },
  },
};

export interface ActionsWorld {
  github: TestGitHub;
  broker: RunningBroker;
  /** The broker's log lines (JSON), in order. */
  brokerLog: Array<Record<string, unknown>>;
  /** The commit tagged as the release, and a later commit of the app repository that is not released. */
  released: string;
  unreleased: string;
  /** The app repository's work tree, where releases are prepared. */
  appDir: string;
  /** Prepares and publishes a release of the app repository (`release prepare` + `release publish`). */
  release(tag: string): Promise<string>;
  /** Moves the channel back to a published release (`release rollback`). */
  rollback(tag: string): Promise<void>;
  /** Runs the host's installed dispatcher workflow for an event, as GitHub would start it. */
  start(
    host: string,
    event: string,
    payload: Record<string, unknown>,
    overrides?: Partial<RunWorkflowOptions>,
  ): Promise<WorkflowRunHandle>;
  dispatch(
    host: string,
    event: string,
    payload: Record<string, unknown>,
    overrides?: Partial<RunWorkflowOptions>,
  ): Promise<RunResult>;
  /** Installs the thin caller into a host repository at the channel `ref`, with `edit` applied to its text. */
  installAt(host: string, ref: string, edit?: (text: string) => string): Promise<void>;
  /** Rewrites the host's installed dispatcher as its maintainers could (a commit to main). */
  forgeDispatcher(host: string, edit: (text: string) => string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A local GitHub with this project's app repository (the worktree's files, its release tagged), the
 * operator's infra repository and registry, acme's host and telemetry repositories and the App; the
 * real token broker in front of it; the dispatcher installed into acme/widgets by `installHost`.
 */
export async function startActionsWorld(): Promise<ActionsWorld> {
  const github = await startTestGitHub({
    users: [{ login: "operator" }, { login: "alice" }, { login: "actions-runner" }],
    orgs: [
      { login: OPERATOR, members: [{ login: "operator", role: "admin" }] },
      { login: "acme", members: [{ login: "alice", role: "admin" }] },
    ],
    repos: [
      { name: APP_REPOSITORY, private: false, files: { "README.md": "app\n" } },
      {
        name: INFRA,
        private: true,
        files: { [REGISTRY_PATH]: `${JSON.stringify(REGISTRY, null, 2)}\n` },
      },
      ...[HOST, PAUSED].map((name) => ({
        name,
        private: true,
        files: { "README.md": "host\n" },
        labels: [
          { name: "phase-1", color: "0E8A16", description: "Phase 1" },
          { name: "phase-2", color: "1D76DB", description: "Phase 2" },
        ],
        milestones: [{ title: "Phase 1 – Planning" }, { title: "Phase 2 – Build" }],
      })),
      { name: TELEMETRY, private: true, files: { "README.md": "telemetry\n" } },
    ],
    apps: [
      {
        slug: "task-assistant",
        owner: OPERATOR,
        permissions: { issues: "write", contents: "write", metadata: "read" },
      },
    ],
    installations: [
      { app: "task-assistant", account: OPERATOR, repository_selection: "all" },
      { app: "task-assistant", account: "acme", repository_selection: "all" },
    ],
    tokens: [
      { token: MAINTAINER_TOKEN, user: "alice" },
      { token: JOB_TOKEN, user: "actions-runner" },
    ],
  });
  const app = github.seeded!.apps[0] as unknown as { id: number; private_key: string };
  const brokerLog: Array<Record<string, unknown>> = [];
  const broker = await startBroker({
    apiUrl: github.url,
    appId: String(app.id),
    privateKey: app.private_key,
    issuer: github.oidcIssuer,
    audience: BROKER_AUDIENCE,
    appRepository: APP_REPOSITORY,
    infraRepository: INFRA,
    allowedEvents: ["issues", "push", "pull_request", "schedule", "workflow_dispatch"],
    allowSelfHosted: false,
    skewSeconds: 60,
    maxTokenBytes: 8 * 1024,
    log: (line) => brokerLog.push(JSON.parse(line) as Record<string, unknown>),
  });
  const work = await mkdtemp(join(tmpdir(), "actions-world-"));
  const appDir = join(work, "app");
  const { released, unreleased, release, rollback } = await publishApp(github, appDir);
  const admin = github.client();

  const installAt = async (host: string, ref: string, edit?: (text: string) => string) => {
    const templates = join(work, `templates-${ref}`);
    await run("cp", ["-r", join(ROOT, "templates", "host"), templates]);
    if (edit !== undefined) {
      const path = join(templates, "task-assistant-dispatch.yml");
      const { writeFile } = await import("node:fs/promises");
      await writeFile(path, edit(await readFile(path, "utf8")));
    }
    await installHost(admin, {
      repo: host,
      ref,
      runtime_mode: /^v\d+$/.test(ref) ? "marketplace" : "development",
      dry_run: false,
      templates_dir: templates,
      app_slug: "task-assistant",
    });
    await rm(templates, { recursive: true, force: true });
  };
  await installAt(HOST, CHANNEL);
  await installAt(PAUSED, CHANNEL);

  let runId = 7000;
  const home = join(work, "home");
  const start = async (
    host: string,
    event: string,
    payload: Record<string, unknown>,
    overrides: Partial<RunWorkflowOptions> = {},
  ): Promise<WorkflowRunHandle> => {
    const [owner, name] = host.split("/");
    const repo = (await admin.rest.repos.get({ owner, repo: name })).data;
    const head = (await admin.rest.repos.getBranch({ owner, repo: name, branch: repo.default_branch })).data;
    runId += 1;
    return startWorkflowRun({
      // One reader per run: GitHub resolves each `uses:` ref once, when the run starts.
      files: gitWorkflowFiles({
        gitUrl: github.gitUrl,
        token: github.adminToken,
        cacheDir: join(work, "workflow-cache"),
      }),
      repository: { fullName: host, id: repo.id, ownerId: repo.owner.id, visibility: "private" },
      workflowPath: DISPATCH_WORKFLOW_PATH,
      event: { name: event, payload: { repository: { full_name: host }, ...payload } },
      ref: `refs/heads/${repo.default_branch}`,
      sha: head.commit.sha,
      actor: { login: "alice", id: 2 },
      github: { gitUrl: github.gitUrl, apiUrl: github.url, serverUrl: github.url, token: JOB_TOKEN },
      runId,
      workRoot: join(work, "runs"),
      killGraceMs: 2_000,
      cleanupTimeoutMs: 30_000,
      requestIdToken: localGitHubIdToken({ baseUrl: github.url, adminToken: github.adminToken }),
      // The world's release names no broker (package.json's is empty, --allow-empty-broker): the
      // runner machine supplies the local one, as TA_TOKEN_BROKER_URL.
      baseEnv: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        LANG: "C.UTF-8",
        TA_TOKEN_BROKER_URL: broker.url,
      },
      ...overrides,
    });
  };
  return {
    github,
    broker,
    brokerLog,
    released,
    unreleased,
    appDir,
    release,
    rollback,
    start,
    dispatch: async (...args) => (await start(...args)).result,
    installAt,
    forgeDispatcher: async (host, edit) => {
      const [owner, name] = host.split("/");
      const { data } = await admin.rest.repos.getContent({ owner, repo: name, path: DISPATCH_WORKFLOW_PATH });
      const file = data as { content: string; sha: string };
      const text = Buffer.from(file.content, "base64").toString("utf8");
      const forged = edit(text);
      if (forged === text) throw new Error("the forgery changed nothing in the dispatcher");
      await admin.rest.repos.createOrUpdateFileContents({
        owner,
        repo: name,
        path: DISPATCH_WORKFLOW_PATH,
        message: "Edit the dispatcher",
        content: Buffer.from(forged).toString("base64"),
        sha: file.sha,
      });
    },
    stop: async () => {
      await broker.stop();
      await github.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/**
 * Makes the app repository of the local GitHub from the worktree as it is (tracked and untracked
 * files, .gitignore respected), and releases it with the real tooling: `release prepare` (the
 * bundle, the version, dispatch.yml's refs, the release commit) and `release publish` (the tag and
 * the channel). Then a later commit on main that is not released.
 */
async function publishApp(github: TestGitHub, dir: string) {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${github.adminToken}`).toString("base64")}`;
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "release",
    GIT_AUTHOR_EMAIL: "release@example.com",
    GIT_COMMITTER_NAME: "release",
    GIT_COMMITTER_EMAIL: "release@example.com",
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraheader",
    GIT_CONFIG_VALUE_0: header,
  };
  const git = async (args: string[], extra: Record<string, string> = {}) =>
    (
      await run("git", args, { cwd: dir, env: { ...env, ...extra }, maxBuffer: 64 * 1024 * 1024 })
    ).stdout.trim();
  const { mkdir, symlink } = await import("node:fs/promises");
  await mkdir(dir, { recursive: true });
  await git(["init", "--quiet", "--initial-branch=main", "."]);
  const remote = `${github.gitUrl}/${APP_REPOSITORY}`;
  await git(["remote", "add", "origin", remote]);
  const index = join(dir, ".git", "snapshot-index");
  const inWorktree = ["--git-dir", join(dir, ".git"), "--work-tree", ROOT];
  // .gitignore keeps an installed node_modules directory out; a linked one (a symlink) is dropped here.
  await git([...inWorktree, "add", "-A", "--", "."], { GIT_INDEX_FILE: index });
  await git([...inWorktree, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", "node_modules"], {
    GIT_INDEX_FILE: index,
  });
  const tree = await git(["write-tree"], { GIT_INDEX_FILE: index });
  await git(["fetch", "--quiet", "origin", "main"]);
  const base = await git(["rev-parse", "FETCH_HEAD"]);
  const snapshot = await git(["commit-tree", tree, "-p", base, "-m", "The worktree"]);
  await git(["reset", "--quiet", "--hard", snapshot]);
  // esbuild resolves the production dependencies from the worktree's installation.
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const options = { allowEmptyBroker: true, env };
  const release = async (tag: string): Promise<string> => {
    const prepared = await prepareRelease(dir, tag, options);
    if (prepared.commit === undefined)
      throw new Error(`release prepare ${tag} refused:\n${JSON.stringify(prepared.check.problems, null, 2)}`);
    const published = await publishRelease(dir, tag, "origin", options);
    if (!published.check.ok) throw new Error(`release publish ${tag} refused`);
    return published.commit;
  };
  const released = await release(RELEASE);
  const unreleased = await git([
    "commit-tree",
    `${released}^{tree}`,
    "-p",
    released,
    "-m",
    "Unreleased work",
  ]);
  await git(["push", "--quiet", "origin", `${unreleased}:refs/heads/main`]);
  return {
    released,
    unreleased,
    release,
    rollback: async (tag: string) => {
      await moveChannel(dir, tag, "origin", options);
    },
  };
}

/** Opens an issue in `repo` carrying two conflicting phase labels, as the maintainer; its number. */
export async function openTwoPhaseIssue(world: ActionsWorld, repo: string = HOST): Promise<number> {
  const [owner, name] = repo.split("/");
  const { data } = await world.github.client(MAINTAINER_TOKEN).rest.issues.create({
    owner,
    repo: name,
    title: "Two phases",
    labels: ["phase-1", "phase-2"],
  });
  return data.number;
}

/** The `issues.labeled` payload of the maintainer adding phase-2 to `issue`. */
export function labeledPayload(issue: number): Record<string, unknown> {
  return {
    action: "labeled",
    issue: { number: issue },
    label: { name: "phase-2" },
    sender: { login: "alice", type: "User" },
  };
}

/** Every job of a run, the called workflows' jobs included, flattened. */
export function allJobs(result: RunResult): JobResult[] {
  const walk = (jobs: readonly JobResult[]): JobResult[] => jobs.flatMap((job) => [job, ...walk(job.jobs)]);
  return walk(result.jobs);
}

/**
 * `key → result` for every job of a run; the host's one job calls the dispatcher workflow, whose jobs
 * are keyed here without the `task-assistant/` prefix (`plan`, `preflight/preflight`, ...).
 */
export function jobResults(result: RunResult): Record<string, string> {
  return Object.fromEntries(
    allJobs(result).map((job) => [job.key.replace(/^task-assistant\//, ""), job.result]),
  );
}

/** A job of a run by its key as `jobResults` shows it (`enforce/enforce`). */
export function jobAt(result: RunResult, key: string): JobResult | undefined {
  return allJobs(result).find((job) => job.key.replace(/^task-assistant\//, "") === key);
}

/** Raw record paths in the telemetry repository with the date segment replaced by `<day>`. */
export async function recordPaths(world: ActionsWorld, telemetry = TELEMETRY): Promise<string[]> {
  const [owner, repo] = telemetry.split("/");
  const client = world.github.client();
  const { data } = await client.rest.git.getTree({ owner, repo, tree_sha: "main", recursive: "true" });
  return data.tree
    .filter((entry) => entry.type === "blob" && entry.path?.startsWith("telemetry/v1/repos/"))
    .map((entry) => (entry.path ?? "").replace(/\/\d{4}-\d{2}-\d{2}\//, "/<day>/"))
    .sort();
}

/** The parts of a telemetry record the scenarios look at. */
export interface RecordView {
  ok: boolean;
  correlation_id: string;
  engine_name: string;
  source: Record<string, string>;
  event: { action: string; reason: string | null };
  details: { summary: string; actions: Array<Record<string, unknown>> };
}

/**
 * The run left exactly preflight's passing record and enforce's ok=false record in its directory,
 * and enforce's reason ends with `[cause]` (what `--record-failure CAUSE` writes).
 */
export async function expectEnforceFailureRecord(world: ActionsWorld, result: RunResult, cause: string) {
  const dir = `telemetry/v1/repos/acme-widgets/<day>/${result.runId}-1`;
  expect((await recordPaths(world)).filter((path) => path.includes(`/${result.runId}-1/`))).toEqual([
    `${dir}/enforce.json`,
    `${dir}/preflight.json`,
  ]);
  const record = await readRecord(world, `${dir}/enforce.json`);
  expect(record).toMatchObject({ ok: false, engine_name: "enforce", event: { action: "failure" } });
  expect(record.event.reason).toMatch(new RegExp(`\\[${cause}\\]$`));
  expect((await readRecord(world, `${dir}/preflight.json`)).ok).toBe(true);
}

/** A record, parsed, by its path with `<day>` in place of the date. */
export async function readRecord(
  world: ActionsWorld,
  path: string,
  telemetry = TELEMETRY,
): Promise<RecordView> {
  const [owner, repo] = telemetry.split("/");
  const client = world.github.client();
  const { data } = await client.rest.git.getTree({ owner, repo, tree_sha: "main", recursive: "true" });
  const real = data.tree.find(
    (entry) => entry.path?.replace(/\/\d{4}-\d{2}-\d{2}\//, "/<day>/") === path,
  )?.path;
  if (real === undefined) throw new Error(`no record ${path} in ${telemetry}`);
  const file = await client.rest.repos.getContent({ owner, repo, path: real });
  return JSON.parse(
    Buffer.from((file.data as { content: string }).content, "base64").toString("utf8"),
  ) as RecordView;
}

/** Installation tokens the broker mints: not writes to any repository. */
export const TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens";

/** Writes (non-GET requests but token mints, and git pushes) the local GitHub counted, as `route status ×n`. */
export function writesIn(stats: EmulatorStats): string[] {
  const writes = stats.requests
    .filter((request) => !["GET", "HEAD"].includes(request.method) && request.route !== TOKEN_ROUTE)
    .map((request) => `${request.method} ${request.route} ${request.status} ×${request.count}`);
  if (stats.git.receive_pack > 0) writes.push(`git push ×${stats.git.receive_pack}`);
  return writes.sort();
}
