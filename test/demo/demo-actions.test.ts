import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalGitHub } from "../../src/emulator/start-local-github.js";
import { createGitHub } from "../../src/github/octokit.js";

/**
 * `demo --actions` for one host (`--host acme/widgets-sandbox`; the full demo is in
 * test/soak/demo-actions.soak.ts): every event runs through the workflow files on the Actions
 * runner, each job is printed with its conclusion and duration, and the world ends as the demo
 * without the flag leaves it: the same issue, the same records, the same dashboard.
 */

const exec = promisify(execFile);
const BIN = resolve("dist/cli/bin.js");
const HOST = "acme/widgets-sandbox";
let dir: string | undefined;

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function demo(base: string, name: string, flags: string[]) {
  const state = join(base, name);
  const { stdout } = await exec(
    process.execPath,
    [BIN, "demo", "--exit", "--host", HOST, "--state-dir", state, ...flags],
    {
      cwd: base,
      env: { ...process.env, TASK_ASSISTANT_HOME: join(base, `home-${name}`), GITHUB_API_URL: "" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { stdout, state };
}

/** The world a demo left behind: the host's issue and the records of acme's telemetry (ids and days masked). */
async function worldOf(state: string) {
  const github = await startLocalGitHub({ stateDir: join(state, "github") });
  try {
    const admin = createGitHub({ baseUrl: github.url, auth: github.adminToken });
    const { data: issue } = await admin.rest.issues.get({
      owner: "acme",
      repo: "widgets-sandbox",
      issue_number: 1,
    });
    const { data: tree } = await admin.rest.git.getTree({
      owner: "acme",
      repo: "task-assistant-telemetry",
      tree_sha: "main",
      recursive: "true",
    });
    const records = [];
    for (const entry of tree.tree) {
      if (entry.type !== "blob" || !entry.path?.startsWith("telemetry/v1/repos/")) continue;
      const { data } = await admin.rest.repos.getContent({
        owner: "acme",
        repo: "task-assistant-telemetry",
        path: entry.path,
      });
      const record = JSON.parse(
        Buffer.from((data as { content: string }).content, "base64").toString("utf8"),
      ) as {
        ok: boolean;
        engine_name: string;
        details: { summary: string };
      };
      records.push(`${record.engine_name} ${record.ok} ${record.details.summary}`);
    }
    return {
      labels: issue.labels.map((label) => (typeof label === "string" ? label : label.name)),
      milestone: issue.milestone?.title,
      records: records.sort(),
    };
  } finally {
    await github.stop();
  }
}

describe("demo --actions", () => {
  it("runs each event's jobs through the workflows and ends as the demo without the flag", async () => {
    dir = await mkdtemp(join(tmpdir(), "ta-demo-actions-"));
    const [actions, plain] = await Promise.all([demo(dir, "actions", ["--actions"]), demo(dir, "plain", [])]);

    // Each of the four events (materialize, validate, one issue, self-test) ran its jobs on the runner.
    const jobs = actions.stdout.split("\n").filter((line) => /^ {5}job task-assistant \/ /.test(line));
    const names = jobs.map((line) => /job (task-assistant(?: \/ [\w-]+)+) +(\w+) +(\d+\.\d) s$/.exec(line));
    expect(
      names.every((match) => match !== null),
      jobs.join("\n"),
    ).toBe(true);
    const ran = names.map((match) => `${match![1]} ${match![2]}`);
    expect(ran.filter((job) => job === "task-assistant / plan success")).toHaveLength(4);
    expect(ran.filter((job) => job === "task-assistant / preflight / preflight success")).toHaveLength(4);
    for (const engine of ["materialize", "validate", "enforce", "self-test", "dashboard"])
      expect(ran).toContain(`task-assistant / ${engine} / ${engine} success`);
    expect(actions.stdout).toMatch(
      / {5}run 8\d{6} of acme\/widgets-sandbox\/\.github\/workflows\/task-assistant-dispatch\.yml \(issues\) on the Actions runner\n/,
    );
    expect(actions.stdout).toMatch(/ {5}run success in \d+\.\d s\n/);
    // Not the in-process dispatcher: no `dispatch plan` command; the plain demo shows it.
    expect(actions.stdout).not.toContain("task-assistant dispatch plan");
    expect(plain.stdout).toContain("task-assistant dispatch plan");
    expect(plain.stdout).not.toMatch(/^ {5}job /m);

    // The engine jobs exchanged their ID tokens at the broker as jobs of the release's workflows.
    const exchanges = (await readFile(join(actions.state, "broker.log"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { claims?: { job_workflow_ref?: string } });
    const workflows = new Set(
      exchanges
        .filter((line) => line.claims?.job_workflow_ref !== undefined)
        .map((line) => line.claims?.job_workflow_ref?.replace(/^.*\/workflows\//, "")),
    );
    expect([...workflows].sort()).toEqual(
      ["dashboard", "enforce", "materialize", "preflight", "self-test", "validate"].map(
        (engine) => `engine-${engine}.yml@refs/tags/v0.1.0`,
      ),
    );

    // The same before/after, the same dashboard line, the same issue and records as without the flag.
    const account = (text: string) =>
      text
        .split("\n")
        .filter((line) =>
          /^ {3}acme\/widgets-sandbox#1 |^ {5}(labels|milestone|warnings) |^ {7}acme\/widgets-sandbox +\w+ +\d+ runs/.test(
            line,
          ),
        );
    expect(account(actions.stdout)).toHaveLength(5);
    expect(account(actions.stdout)).toEqual(account(plain.stdout));
    const [after, before] = [await worldOf(actions.state), await worldOf(plain.state)];
    expect(after).toEqual(before);
    expect(after.labels).toEqual(["phase-3.10", "priority/high"]);
    expect(after.records).toHaveLength(9);
  }, 120_000);
});
