import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { runCli } from "../runtime/support/run-cli.js";

const TOKEN = "ghp_sandbox_reset_maria_000000000000000";
const CONFIG = `schema_version: "1.0"
tracks: [{ id: sprint, label: track/sprint }]
labels: [{ name: needs-design, color: "FBCA04" }, { name: phase-1, color: "0E8A16" }]
milestones: [{ title: "Phase 1 – Planning" }]
`;

const entry = (context: string, state = "enabled") => ({
  context,
  state,
  process: "infra-cli",
  reason: "tests",
});
const REGISTRY = canonicalJson({
  schema_version: "2.0",
  generated_at: "2026-11-21T00:00:00Z",
  description: "sandbox reset tests",
  orgs: {
    acme: {
      telemetry_repo: "acme/telemetry",
      repos: {
        "widgets-sandbox": entry("sandbox"),
        widgets: entry("production"),
        "old-sandbox": entry("sandbox", "disabled"),
        "ghost-sandbox": entry("sandbox"),
      },
    },
  },
});

function hostRepo(name: string) {
  return {
    name,
    files: { ".github/task-assistant.yml": CONFIG },
    labels: [
      { name: "bug", color: "d73a4a" },
      { name: "needs-design", color: "FBCA04" },
      { name: "phase-1", color: "0E8A16" },
      { name: "priority/high", color: "B60205" },
    ],
    milestones: [{ title: "Phase 1 – Planning" }, { title: "Old", state: "closed" as const }],
    issues: [
      { title: "Open one", labels: ["phase-1", "bug"], milestone: "Phase 1 – Planning" },
      { title: "Open two", labels: ["priority/high"] },
      { title: "Already closed", state: "closed" as const },
    ],
  };
}

describe("task-assistant sandbox reset", () => {
  let github: TestGitHub;
  let dir: string;
  let env: Record<string, string>;
  const reset = (...args: string[]) =>
    runCli(["sandbox", "reset", "--registry", join(dir, "registry.json"), ...args], { env, cwd: dir });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sandbox-reset-"));
    await writeFile(join(dir, "registry.json"), REGISTRY);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    github = await startTestGitHub({
      users: [{ login: "maria" }],
      orgs: [{ login: "acme", members: [{ login: "maria", role: "admin" }] }],
      repos: [
        hostRepo("acme/widgets-sandbox"),
        hostRepo("acme/widgets"),
        hostRepo("acme/old-sandbox"),
        { name: "acme/telemetry" },
      ],
      tokens: [{ token: TOKEN, user: "maria" }],
    });
    env = { GITHUB_API_URL: github.url, GITHUB_TOKEN: TOKEN, PATH: process.env.PATH ?? "" };
    await github.resetStats();
    return () => github.stop();
  });

  const writes = async () =>
    (await github.stats()).requests.filter((r) => r.method !== "GET").reduce((sum, r) => sum + r.count, 0);

  it("closes open issues, deletes managed labels and every milestone, and keeps the rest", async () => {
    const result = await reset("--repo", "acme/widgets-sandbox", "--confirm");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("did close issue #1");

    const client = github.client(TOKEN);
    const target = { owner: "acme", repo: "widgets-sandbox" };
    const open = await client.rest.issues.listForRepo({ ...target, state: "open" });
    expect(open.data).toEqual([]);
    const closed = await client.rest.issues.get({ ...target, issue_number: 1 });
    expect(closed.data.state_reason).toBe("not_planned");
    const comments = await client.rest.issues.listComments({ ...target, issue_number: 1 });
    expect(comments.data.map((c) => c.body)).toEqual([expect.stringContaining("sandbox reset")]);
    const labels = await client.rest.issues.listLabelsForRepo(target);
    expect(labels.data.map((l) => l.name)).toEqual(["bug"]);
    const milestones = await client.rest.issues.listMilestones({ ...target, state: "all" });
    expect(milestones.data).toEqual([]);
    // Two issues × (comment + close) + three labels + two milestones.
    expect(await writes()).toBe(9);
  });

  it("is safe to repeat: a second reset finds nothing to do and writes nothing", async () => {
    expect((await reset("--repo", "acme/widgets-sandbox", "--confirm")).code).toBe(0);
    await github.resetStats();
    const again = await reset("--repo", "acme/widgets-sandbox", "--confirm");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already reset");
    expect(await writes()).toBe(0);
  });

  it("lists the plan with --dry-run and changes nothing", async () => {
    const result = await reset("--repo", "acme/widgets-sandbox", "--dry-run", "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.dry_run).toBe(true);
    expect(report.done).toBe(0);
    expect(report.steps.map((s: { kind: string }) => s.kind)).toEqual([
      "closeIssue",
      "closeIssue",
      "deleteLabel",
      "deleteLabel",
      "deleteLabel",
      "deleteMilestone",
      "deleteMilestone",
    ]);
    expect(await writes()).toBe(0);
  });

  it.each([
    ["acme/widgets", /registered with context production/],
    ["acme/old-sandbox", /disabled in the registry/],
    ["acme/unknown", /UNREGISTERED/],
    ["globex/portal", /ORG_UNREGISTERED/],
  ])("refuses %s and touches nothing", async (repo, message) => {
    const result = await reset("--repo", repo, "--confirm");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await writes()).toBe(0);
    expect((await github.stats()).total).toBe(0);
  });

  it("says plainly that the App cannot see a registered sandbox, without a stack trace", async () => {
    const seeded = await github.seed({
      apps: [{ slug: "task-assistant", owner: "acme", permissions: { issues: "write", contents: "read" } }],
      installations: [
        {
          app: "task-assistant",
          account: "acme",
          repository_selection: "selected",
          repositories: ["widgets"],
        },
      ],
    });
    const app = seeded.apps[0];
    await writeFile(join(dir, "app.pem"), app.private_key);
    const appEnv = {
      GITHUB_API_URL: github.url,
      TA_APP_ID: String(app.id),
      TA_APP_PRIVATE_KEY_FILE: join(dir, "app.pem"),
      PATH: process.env.PATH ?? "",
    };
    const result = await runCli(
      [
        "sandbox",
        "reset",
        "--registry",
        join(dir, "registry.json"),
        "--repo",
        "acme/widgets-sandbox",
        "--dry-run",
      ],
      { env: appEnv, cwd: dir },
    );
    expect(result).toEqual({
      code: 3,
      stdout: "",
      stderr:
        "error: the App is not installed on acme/widgets-sandbox (HTTP 404)\n" +
        "hint: install the App on the repository's owner and include the repository\n",
    });
    // A registered sandbox that does not exist at all: the same plain refusal, no stack trace.
    const ghost = await reset("--repo", "acme/ghost-sandbox", "--dry-run");
    expect(ghost.code).toBe(3);
    expect(ghost.stderr).toMatch(
      /^error: GitHub found nothing there, or the token cannot see it \(HTTP 404\) for GET .*\/repos\/acme\/ghost-sandbox\//,
    );
    expect(`${result.stderr}${ghost.stderr}`).not.toMatch(/internal error|\n\s+at /);
  });

  it("refuses inside GitHub Actions and without --dry-run or --confirm", async () => {
    env.GITHUB_ACTIONS = "true";
    const inCi = await reset("--repo", "acme/widgets-sandbox", "--confirm");
    expect(inCi.code).toBe(2);
    expect(inCi.stderr).toMatch(/does not run inside GitHub Actions/);
    delete env.GITHUB_ACTIONS;
    const unconfirmed = await reset("--repo", "acme/widgets-sandbox");
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--dry-run or --confirm/);
    expect((await github.stats()).total).toBe(0);
  });
});
