import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestGitHub } from "../support/local-github.js";
import { runCli } from "./support/run-cli.js";
import { INFRA_REPO, parseRecord, recordsOf, startWorld, TOKENS, writesIn } from "./support/runtime-world.js";

/**
 * `task-assistant engine run`, as the engine workflows call it on GitHub Actions: one job, one
 * engine, one record; preflight hands `ok` and `telemetry_repo` to the engine jobs as step outputs.
 */
describe("task-assistant engine run (on GitHub Actions)", () => {
  let github: TestGitHub;
  let dir: string;

  beforeAll(async () => {
    github = await startWorld();
    dir = await mkdtemp(join(tmpdir(), "engine-run-"));
  });
  afterAll(async () => {
    await github.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs one engine job: its own $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY, Actions run 9187 attempt 1. */
  async function job(name: string, args: string[]) {
    const output = join(dir, `${name}.output`);
    const summary = join(dir, `${name}.summary.md`);
    await writeFile(output, "");
    await writeFile(summary, "");
    const result = await runCli(["engine", "run", ...args], {
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: TOKENS.operator,
        TA_INFRA_TOKEN: TOKENS.operator,
        GITHUB_ACTIONS: "true",
        GITHUB_RUN_ID: "9187",
        GITHUB_RUN_ATTEMPT: "1",
        GITHUB_JOB: name,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      },
      cwd: dir,
    });
    return { ...result, outputs: await readFile(output, "utf8"), summary: await readFile(summary, "utf8") };
  }

  const common = ["--target-repo", "acme/widgets", "--correlation-id", "9187-1", "--engine-ref", "v1.4.0"];

  it("preflight then validate: two jobs, two records in the run's directory, outputs for the next job", async () => {
    const preflight = await job("preflight", [
      "preflight",
      ...common,
      "--mode",
      "validate",
      "--infra-repo",
      INFRA_REPO,
    ]);
    expect(preflight.code).toBe(0);
    expect(preflight.outputs).toBe("ok=true\ntelemetry_repo=acme/telemetry\n");
    expect(preflight.summary).toContain("### Task Assistant: preflight");
    expect(preflight.summary).toContain(
      "> [!WARNING]\n> telemetry.protection: main of acme/telemetry is not protected: anyone who may push can rewrite or delete its records; run `task-assistant telemetry protect --repo acme/telemetry`\n",
    );
    expect(preflight.stdout).toContain(
      "warning: telemetry.protection: main of acme/telemetry is not protected",
    );

    const validate = await job("validate", ["validate", ...common, "--telemetry-repo", "acme/telemetry"]);
    expect(validate.code).toBe(0);
    expect(validate.outputs).toBe("ok=true\n");

    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/9187-1`,
    );
    expect([...records.keys()].sort()).toEqual(["preflight.json", "validate.json"]);
    expect(parseRecord(records.get("validate.json")!)).toMatchObject({
      ok: true,
      engine_ref: "v1.4.0",
      source: {
        runner: "github-actions",
        workflow: "engine-validate",
        job: "validate",
        run_id: "9187",
        run_attempt: "1",
      },
    });
  });

  it("preflight checks the telemetry branch's protection with one read and records it (no warning once protected)", async () => {
    await github.client(TOKENS.operator).rest.repos.updateBranchProtection({
      owner: "acme",
      repo: "telemetry",
      branch: "main",
      required_status_checks: null,
      enforce_admins: false,
      required_pull_request_reviews: null,
      restrictions: null,
    });
    await github.resetStats();
    const preflight = await job("preflight-protected", [
      "preflight",
      "--target-repo",
      "acme/widgets",
      "--correlation-id",
      "9189-1",
      "--engine-ref",
      "v1.4.0",
      "--mode",
      "validate",
      "--infra-repo",
      INFRA_REPO,
    ]);
    const stats = await github.stats();
    await github.client(TOKENS.operator).rest.repos.deleteBranchProtection({
      owner: "acme",
      repo: "telemetry",
      branch: "main",
    });
    expect(preflight.code).toBe(0);
    expect(preflight.summary).not.toContain("[!WARNING]");
    expect(preflight.stdout).not.toContain("warning:");
    expect(stats.by_route["GET /repos/{owner}/{repo}/branches/{branch}"]).toEqual({ "200": 1 });
    expect(writesIn(stats)).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/9189-1`,
    );
    expect(parseRecord(records.get("preflight.json")!).details.checks).toContainEqual({
      id: "telemetry.protection",
      outcome: "PASS",
      details: { message: "main of acme/telemetry is protected", branch: "main" },
    });
  });

  it("validate of a config change previews reconcile in the job summary and writes no issue", async () => {
    const { data: branch } = await github
      .client(TOKENS.operator)
      .rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" });
    await github.resetStats();
    const validate = await job("validate-change", [
      "validate",
      "--target-repo",
      "acme/widgets",
      "--correlation-id",
      "9190-1",
      "--engine-ref",
      "v1.4.0",
      "--telemetry-repo",
      "acme/telemetry",
      "--config-ref",
      branch.commit.sha,
    ]);
    expect(validate.code).toBe(0);
    expect(validate.summary).toContain("Reconcile preview with this config (dry run: nothing was written):");
    expect(validate.summary).toContain("  Issues that would change: 1");
    expect(validate.summary).toContain("  Writes planned: 2 (1 label removal, 1 milestone change)");
    // The one write is validate's record, in the telemetry repository.
    expect(writesIn(await github.stats())).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×1"]);
  });

  it("preflight refuses a disabled repo cleanly: exit 0, ok=false for the engine jobs, a notice, its record names why", async () => {
    const result = await job("preflight-disabled", [
      "preflight",
      "--target-repo",
      "acme/paused",
      "--correlation-id",
      "9188-1",
      "--engine-ref",
      "v1.4.0",
      "--mode",
      "validate",
      "--infra-repo",
      INFRA_REPO,
    ]);
    expect(result.code).toBe(0);
    expect(result.outputs).toBe("ok=false\ntelemetry_repo=acme/telemetry\n");
    expect(result.summary).toContain("registry.resolve: DISABLED");
    expect(result.summary).toContain("> [!NOTE]\n> Task Assistant does not run in acme/paused");
  });

  it("refuses, before any request, an engine without the issue it must enforce", async () => {
    await github.resetStats();
    const result = await job("enforce", ["enforce", ...common, "--telemetry-repo", "acme/telemetry"]);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain("error: --issue is required for enforce");
    expect((await github.stats()).total).toBe(0);
  });

  it("refuses a floating engine_ref for an engine in marketplace mode", async () => {
    const result = await job("validate-main", [
      "validate",
      "--target-repo",
      "acme/widgets",
      "--correlation-id",
      "x-1",
      "--engine-ref",
      "main",
      "--telemetry-repo",
      "acme/telemetry",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('engine_ref "main" is not a release tag');
  });

  it("refuses a telemetry repository of another org", async () => {
    await github.resetStats();
    const result = await job("validate-cross", [
      "validate",
      ...common,
      "--telemetry-repo",
      "globex/telemetry",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cross-org telemetry is forbidden");
    expect(writesIn(await github.stats())).toEqual([]);
  });

  it("refuses, before any request, a --record-failure that names no cause", async () => {
    await github.resetStats();
    const result = await job("validate-cause", [
      "validate",
      ...common,
      "--telemetry-repo",
      "acme/telemetry",
      "--record-failure",
      "the job ended",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--record-failure "the job ended" is not a cause the record can name');
    expect(result.stderr).toContain("checkout, token, cancelled, timeout, crashed");
    expect((await github.stats()).total).toBe(0);
  });

  it("names the cause in the ok=false record it writes for an engine that left none", async () => {
    const result = await job("validate-stopped", [
      "validate",
      ...common,
      "--correlation-id",
      "9188-1",
      "--telemetry-repo",
      "acme/telemetry",
      "--record-failure",
      "checkout",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(
      github,
      "acme/telemetry",
      `telemetry/v1/repos/acme-widgets/${day}/9188-1`,
    );
    expect(parseRecord(records.get("validate.json")!)).toMatchObject({
      ok: false,
      event: {
        action: "failure",
        reason: "the validate job could not check out Task Assistant, so validate never started [checkout]",
      },
    });
  });
});
