import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHANNEL,
  HOST,
  RELEASE,
  jobAt,
  jobResults,
  recordPaths,
  startActionsWorld,
  writesIn,
  type ActionsWorld,
  openTwoPhaseIssue,
  labeledPayload,
} from "./support/actions-world.js";

/**
 * Scenario 7 through the real workflows: a host that forges its call to the engine workflows gets
 * no token from the broker, and nothing is written — not the issue, not a record.
 */
describe("a host that forges its call to the engine workflows", () => {
  let world: ActionsWorld;
  let issue: number;
  beforeAll(async () => {
    world = await startActionsWorld();
    issue = await openTwoPhaseIssue(world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  async function labeled() {
    await world.github.resetStats();
    const before = await recordPaths(world);
    const run = await world.dispatch(HOST, "issues", labeledPayload(issue));
    const writes = writesIn(await world.github.stats());
    const { data } = await world.github
      .client()
      .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: issue });
    return {
      run,
      writes,
      newRecords: (await recordPaths(world)).filter((path) => !before.includes(path)),
      labels: data.labels.map((label) => (typeof label === "string" ? label : label.name)).sort(),
      refusals: world.brokerLog.filter((line) => line.outcome === "refused").map((line) => line.code),
      grants: world.brokerLog.filter((line) => line.outcome === "granted").length,
    };
  }

  it("scenario 6: a pull request from a fork gets no ID token and a read-only token; the run ends quietly and writes nothing", async () => {
    await world.installAt(HOST, CHANNEL);
    world.brokerLog.length = 0;
    await world.github.resetStats();
    const before = await recordPaths(world);
    const head = (
      await world.github.client().rest.repos.getBranch({ owner: "acme", repo: "widgets", branch: "main" })
    ).data.commit.sha;
    const run = await world.dispatch(HOST, "pull_request", {
      action: "opened",
      number: 3,
      pull_request: {
        number: 3,
        head: { sha: head, ref: "patch-1", repo: { full_name: "forker/widgets" } },
        base: { ref: "main", repo: { full_name: HOST } },
      },
      sender: { login: "forker", type: "User" },
    });
    expect(run.conclusion, run.log).toBe("success");
    expect(jobResults(run)).toMatchObject({
      fork: "success",
      plan: "skipped",
      preflight: "skipped",
      validate: "skipped",
    });
    const fork = jobAt(run, "fork");
    expect(fork?.steps.at(-1)?.log).toContain("does not run for pull requests from forks");
    expect(fork?.steps.at(-1)?.log).not.toMatch(/error|refused/i);
    expect(world.brokerLog).toEqual([]);
    expect(writesIn(await world.github.stats())).toEqual([]);
    expect(await recordPaths(world)).toEqual(before);
  });

  /**
   * Each forgery is the released dispatch.yml copied into the host (planning from the release), so
   * the host calls the engine workflows itself, with `edit` applied.
   */
  async function forge(edit: (text: string) => string) {
    await world.installAt(HOST, CHANNEL);
    const released = await readFile(join(world.appDir, ".github", "workflows", "dispatch.yml"), "utf8");
    const own = released.replace("ref: ${{ steps.workflow.outputs.sha }}", `ref: ${RELEASE}`);
    await world.forgeDispatcher(HOST, () => edit(own));
    world.brokerLog.length = 0;
  }

  function expectNothingWritten(outcome: Awaited<ReturnType<typeof labeled>>) {
    expect(outcome.writes).toEqual([]);
    expect(outcome.newRecords).toEqual([]);
    expect(outcome.labels).toEqual(["phase-1", "phase-2"]);
  }

  it("calls the engine workflows at a branch of the app repository that is not a release: the broker refuses every exchange", async () => {
    await forge((text) => text.replace(/(engine-[a-z-]+\.yml)@v1\.0\.0/g, "$1@main"));
    const outcome = await labeled();
    expect(jobResults(outcome.run), outcome.run.log).toMatchObject({
      plan: "success",
      "preflight/preflight": "failure",
      enforce: "skipped",
    });
    expect(jobAt(outcome.run, "preflight/preflight")?.idTokenClaims).toMatchObject({
      job_workflow_ref:
        "automated-assistant-systems/task-assistant/.github/workflows/engine-preflight.yml@refs/heads/main",
      job_workflow_sha: world.unreleased,
    });
    expect(outcome.grants).toBe(0);
    expect(outcome.refusals.length).toBeGreaterThan(0);
    expect(new Set(outcome.refusals)).toEqual(new Set(["workflow_ref_not_release"]));
    expectNothingWritten(outcome);
  });

  it("calls them at the commit of the unreleased work: the broker refuses, it is no release's commit", async () => {
    await forge((text) => text.replace(/(engine-[a-z-]+\.yml)@v1\.0\.0/g, `$1@${world.unreleased}`));
    const outcome = await labeled();
    expect(jobResults(outcome.run), outcome.run.log).toMatchObject({
      "preflight/preflight": "failure",
      enforce: "skipped",
    });
    expect(outcome.grants).toBe(0);
    expect(new Set(outcome.refusals)).toEqual(new Set(["workflow_sha_not_release"]));
    expectNothingWritten(outcome);
  });

  it("passes runtime_mode: development to the released engine workflows: the engine jobs refuse before asking the broker", async () => {
    await forge((text) =>
      text.replace(
        /( +)engine_ref: v1\.0\.0\n/g,
        (line, indent: string) => `${line}${indent}runtime_mode: development\n`,
      ),
    );
    const outcome = await labeled();
    expect(jobResults(outcome.run), outcome.run.log).toMatchObject({
      "preflight/preflight": "failure",
      enforce: "skipped",
    });
    const preflight = jobAt(outcome.run, "preflight/preflight");
    expect(preflight?.steps.at(-1)?.log).toContain("--runtime-mode development is refused");
    expect(outcome.grants + outcome.refusals.length).toBe(0);
    expectNothingWritten(outcome);
  });

  it("passes another repository as target_repo: the broker answers only about the job's own repository", async () => {
    await forge((text) =>
      text.replace(/target_repo: \$\{\{ github\.repository \}\}/g, "target_repo: acme/paused"),
    );
    const outcome = await labeled();
    expect(jobResults(outcome.run), outcome.run.log).toMatchObject({
      "preflight/preflight": "failure",
      enforce: "skipped",
    });
    expect(outcome.grants).toBe(0);
    expect(new Set(outcome.refusals)).toEqual(new Set(["repository_not_granted"]));
    expectNothingWritten(outcome);
  });
});
