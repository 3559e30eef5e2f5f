import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestGitHub } from "../support/local-github.js";
import { runCli } from "./support/run-cli.js";
import { INFRA_REPO, parseRecord, recordsOf, startWorld, TOKENS, writesIn } from "./support/runtime-world.js";

interface CliOutcome {
  engine: string;
  ok: boolean;
  summary: string;
  record_path: string;
}

/** What `dispatch --json` prints, as far as these tests read it. */
interface CliReport {
  plan: { engines: string[] };
  preflight: CliOutcome;
  engines: CliOutcome[];
}

/**
 * `task-assistant dispatch` end to end: the CLI, the real engines and emit-engine, against the local
 * GitHub through Octokit. Each mode's happy path leaves the preflight record and each engine's record
 * in one correlation directory.
 */
describe("task-assistant dispatch", () => {
  let github: TestGitHub;
  let dir: string;

  beforeAll(async () => {
    github = await startWorld();
    dir = await mkdtemp(join(tmpdir(), "dispatch-cli-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function payloadFile(name: string, payload: unknown): Promise<string> {
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(payload));
    return path;
  }

  const env = (token: string = TOKENS.operator) => ({
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: token,
    TA_INFRA_TOKEN: TOKENS.operator,
  });

  async function dispatch(args: string[], token?: string) {
    return runCli(["dispatch", ...args, "--infra-repo", INFRA_REPO, "--engine-ref", "v1.4.0"], {
      env: env(token),
      cwd: dir,
    });
  }

  async function dispatchJson(args: string[]) {
    const result = await dispatch([...args, "--json"]);
    expect(result.stderr).toBe("");
    return { code: result.code, report: JSON.parse(result.stdout) as CliReport };
  }

  /** The record files of a run, all in the run's one correlation directory. */
  async function recordsOfRun(report: CliReport) {
    const paths = [report.preflight.record_path, ...report.engines.map((engine) => engine.record_path)];
    const directories = new Set(paths.map((path) => path.slice(0, path.lastIndexOf("/"))));
    expect(directories.size).toBe(1);
    const records = await recordsOf(github, "acme/telemetry", [...directories][0]);
    return Object.fromEntries([...records].map(([name, text]) => [name, parseRecord(text)]));
  }

  it.each([
    ["validate", ["preflight.json", "validate.json"]],
    ["materialize", ["materialize.json", "preflight.json"]],
    ["self-test", ["dashboard.json", "preflight.json", "self-test.json"]],
  ])(
    "runs %s from workflow_dispatch: preflight first, one record per engine, one directory",
    async (mode, files) => {
      const payload = await payloadFile(`dispatch-${mode}`, {
        inputs: { mode },
        repository: { full_name: "acme/widgets" },
      });
      const { code, report } = await dispatchJson([
        "--event",
        "workflow_dispatch",
        "--payload",
        payload,
        "--repo",
        "acme/widgets",
        "--correlation-id",
        `happy-${mode}`,
      ]);
      expect(report.engines.map((engine) => [engine.engine, engine.ok, engine.summary])).toEqual(
        report.plan.engines.slice(1).map((name) => [name, true, expect.any(String) as unknown]),
      );
      expect(code).toBe(0);
      const records = await recordsOfRun(report);
      expect(Object.keys(records).sort()).toEqual(files);
      for (const record of Object.values(records)) {
        expect(record).toMatchObject({
          ok: true,
          correlation_id: `happy-${mode}`,
          engine_ref: "v1.4.0",
          source: { runner: "local" },
        });
      }
    },
  );

  it("runs enforce for the issue of an issues.labeled event and prunes the lower phase", async () => {
    const payload = await payloadFile("labeled", {
      action: "labeled",
      issue: { number: 1 },
      label: { name: "phase-2" },
      sender: { login: "ada" },
      repository: { full_name: "acme/widgets" },
    });
    const { code, report } = await dispatchJson([
      "--event",
      "issues",
      "--payload",
      payload,
      "--repo",
      "acme/widgets",
      "--correlation-id",
      "happy-enforce",
    ]);
    expect(code).toBe(0);
    const records = await recordsOfRun(report);
    expect(Object.keys(records).sort()).toEqual(["enforce.json", "preflight.json"]);
    expect(records["enforce.json"]).toMatchObject({ ok: true, engine_ref: "v1.4.0" });
    const issue = await github
      .client(TOKENS.operator)
      .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: 1 });
    expect(issue.data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "phase-2",
    ]);
  });

  it("prints a table of engine, ok, summary and record path", async () => {
    const payload = await payloadFile("schedule", { schedule: "17 3 * * *" });
    const { code, stdout } = await dispatch([
      "--event",
      "schedule",
      "--payload",
      payload,
      "--repo",
      "acme/widgets",
      "--correlation-id",
      "table-1",
    ]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("run table-1 · validate · acme/widgets · engine_ref v1.4.0 (marketplace)");
    expect(lines[1]).toBe("telemetry: acme/telemetry");
    expect(lines[3]).toMatch(/^engine\s+ok\s+summary\s+record$/);
    expect(lines[4]).toMatch(
      /^preflight\s+ok\s+preflight passed for acme\/widgets .*telemetry\/v1\/repos\/acme-widgets\/\d{4}-\d{2}-\d{2}\/table-1\/preflight\.json$/,
    );
    expect(lines[5]).toMatch(/^validate\s+ok\s+Configuration is valid.*\/table-1\/validate\.json$/);
  });

  it("exits 1 and prints the failure when preflight fails where no record can be written", async () => {
    const payload = await payloadFile("schedule-initech", { schedule: "17 3 * * *" });
    const { code, stdout, stderr } = await dispatch([
      "--event",
      "schedule",
      "--payload",
      payload,
      "--repo",
      "initech/thing",
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain("preflight failed, no engine ran: registry.resolve: ORG_UNREGISTERED");
    expect(stderr).toMatch(/^error: preflight failed for initech\/thing: registry\.resolve/);
  });

  it("appends the run to the job summary on GitHub Actions, even when preflight fails", async () => {
    const summary = join(dir, "summary.md");
    await writeFile(summary, "");
    const payload = await payloadFile("schedule-paused", { schedule: "17 3 * * *" });
    const { code } = await runCli(
      [
        "dispatch",
        "--event",
        "schedule",
        "--payload",
        payload,
        "--repo",
        "acme/paused",
        "--infra-repo",
        INFRA_REPO,
        "--engine-ref",
        "v1.4.0",
        "--correlation-id",
        "summary-1",
      ],
      { env: { ...env(), GITHUB_STEP_SUMMARY: summary }, cwd: dir },
    );
    expect(code).toBe(1);
    const markdown = await readFile(summary, "utf8");
    expect(markdown).toContain("### Task Assistant validate run `summary-1`");
    expect(markdown).toContain("**Preflight failed; no engine ran.** registry.resolve: DISABLED");
  });

  it("refuses an event it does not handle, by name, with exit 2 and no request", async () => {
    await github.resetStats();
    const payload = await payloadFile("release", { action: "published" });
    const { code, stderr } = await dispatch([
      "--event",
      "release",
      "--payload",
      payload,
      "--repo",
      "acme/widgets",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('error: refused (event): event "release" does not start a Task Assistant run');
    expect((await github.stats()).total).toBe(0);
  });

  it("refuses an unsafe correlation id with exit 2", async () => {
    const payload = await payloadFile("schedule-cid", {});
    const { code, stderr } = await dispatch([
      "--event",
      "schedule",
      "--payload",
      payload,
      "--repo",
      "acme/widgets",
      "--correlation-id",
      "../../etc",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("error: refused (correlation_id):");
  });

  it("writes nothing under --dry-run, and shows where the records would go", async () => {
    await github.resetStats();
    const payload = await payloadFile("dry", { inputs: { mode: "materialize" } });
    const { code, stdout } = await dispatch([
      "--event",
      "workflow_dispatch",
      "--payload",
      payload,
      "--repo",
      "acme/gadgets",
      "--correlation-id",
      "dry-1",
      "--dry-run",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("/dry-1/materialize.json (dry run)");
    expect(writesIn(await github.stats())).toEqual([]);
  });
});

describe("task-assistant dispatch plan", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dispatch-plan-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the plan and writes the step outputs the dispatcher's jobs read", async () => {
    const payload = join(dir, "event.json");
    const output = join(dir, "output");
    await writeFile(
      payload,
      JSON.stringify({
        action: "labeled",
        issue: { number: 7 },
        label: { name: "phase-2" },
        sender: { login: "ada" },
      }),
    );
    await writeFile(output, "");
    const { code, stdout } = await runCli(
      [
        "dispatch",
        "plan",
        "--event",
        "issues",
        "--payload",
        payload,
        "--repo",
        "acme/widgets",
        "--engine-ref",
        "v1.4.0",
      ],
      {
        env: {
          GITHUB_ACTIONS: "true",
          GITHUB_RUN_ID: "9187",
          GITHUB_RUN_ATTEMPT: "2",
          GITHUB_OUTPUT: output,
        },
        cwd: dir,
      },
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ mode: "enforce", correlation_id: "9187-2", issue_number: 7 });
    expect(await readFile(output, "utf8")).toBe(
      [
        "mode=enforce",
        "target_repo=acme/widgets",
        "correlation_id=9187-2",
        "engine_ref=v1.4.0",
        "runtime_mode=marketplace",
        'engines=["preflight","enforce"]',
        "issue_number=7",
        "label_added=phase-2",
        "config_ref=",
        "engine_ref_ok=true",
        "",
      ].join("\n"),
    );
  });

  it("refuses its own bot's events (loop guard) with exit 2", async () => {
    const payload = join(dir, "bot.json");
    await writeFile(
      payload,
      JSON.stringify({ action: "unlabeled", issue: { number: 7 }, sender: { login: "task-assistant[bot]" } }),
    );
    const { code, stderr } = await runCli(
      ["dispatch", "plan", "--event", "issues", "--payload", payload, "--repo", "acme/widgets"],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toContain("refused (sender)");
  });

  it("points at the line and column of a payload that is not JSON", async () => {
    const payload = join(dir, "broken.json");
    await writeFile(payload, '{\n  "action": "labeled",\n  oops\n}');
    const { code, stderr } = await runCli(
      ["dispatch", "plan", "--event", "issues", "--payload", payload, "--repo", "acme/widgets"],
      { cwd: dir },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/broken\.json:3:3/);
  });
});
