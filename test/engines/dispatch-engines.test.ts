import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeedRepo } from "../../src/emulator/seed/seed-types.js";
import {
  BOT,
  CONFIG_PATH,
  HUMAN_TOKEN,
  startDispatchWorld,
  templateConfig,
  type DispatchWorld,
} from "./dispatch-world.js";

/**
 * The engines end to end through `task-assistant dispatch` against the local GitHub, run as the App:
 * preflight, the engine, one record each in acme/telemetry, and the host repository's state.
 */
const TEMPLATE_LABELS = [
  ["phase-1", "C2E0C6", "Phase 1: planning"],
  ["phase-2", "0E8A16", "Phase 2: build"],
  ["phase-3", "006B75", "Phase 3: release"],
  ["priority/low", "D4C5F9", "Can wait"],
  ["priority/medium", "FBCA04", "Next in line"],
  ["priority/high", "B60205", "Do first"],
  ["state/todo", "EDEDED", "Not started"],
  ["state/in-progress", "1D76DB", "Being worked on"],
  ["state/done", "5319E7", "Finished"],
  ["track/sprint", "C5DEF5", "Planned for the current sprint"],
  ["track/backlog", "C5DEF5", "Accepted, not yet scheduled"],
].map(([name, color, description]) => ({ name, color, description }));
const TEMPLATE_MILESTONES = [
  { title: "Phase 1 – Planning" },
  { title: "Phase 2 – Build" },
  { title: "Phase 3 – Release" },
];

const LATEST_CONFIG = `schema_version: "1.1"
tracks: []
labels: []
milestones: []
enforcement:
  exclusivity:
    scoped: { mode: enforce, strategy: latest }
`;

let world: DispatchWorld;
let template: string;

beforeAll(async () => {
  template = await templateConfig();
  const hosts: SeedRepo[] = [
    // Prepared: every declared label and milestone exists; issue 1 carries two phases and two priorities.
    {
      name: "acme/widgets",
      files: { [CONFIG_PATH]: template },
      branches: ["tweak"],
      labels: [...TEMPLATE_LABELS, { name: "bug", color: "d73a4a", description: null }],
      milestones: TEMPLATE_MILESTONES,
      issues: [
        {
          title: "Two phases at once",
          user: "ada",
          labels: ["phase-1", "bug", "phase-2", "priority/low", "priority/high"],
        },
      ],
    },
    // Just installed: the config and nothing else.
    { name: "acme/fresh", files: { [CONFIG_PATH]: template } },
    // E3: an unknown top-level key.
    {
      name: "acme/broken",
      files: { [CONFIG_PATH]: `${template}unknownKey: true\n` },
      labels: TEMPLATE_LABELS,
      milestones: TEMPLATE_MILESTONES,
      issues: [{ title: "Two phases", user: "ada", labels: ["phase-1", "phase-2"] }],
    },
    // Scoped labels, strategy latest: each issue carries three labels of the scope workflow::.
    {
      name: "acme/scoped",
      files: { [CONFIG_PATH]: LATEST_CONFIG },
      labels: ["workflow::todo", "workflow::review", "workflow::doing"].map((name) => ({ name })),
      issues: [1, 2].map((n) => ({
        title: `Scoped ${n}`,
        user: "ada",
        labels: ["workflow::todo", "workflow::review", "workflow::doing"],
      })),
    },
  ];
  world = await startDispatchWorld(hosts);
});
afterAll(async () => {
  await world?.stop();
});

/** Requests that changed something on a host's labels, milestones or issues (telemetry writes excluded). */
async function hostWrites(): Promise<string[]> {
  const stats = await world.github.stats();
  return stats.requests
    .filter((r) => r.method !== "GET" && /\/(labels|milestones|issues)/.test(r.route))
    .map((r) => `${r.method} ${r.route} ${r.status} ×${r.count}`);
}

const dispatchMode = (mode: string, repo: string, cid: string) =>
  world.dispatchJson("workflow_dispatch", { inputs: { mode }, repository: { full_name: repo } }, repo, [
    "--correlation-id",
    cid,
  ]);

describe("self-test and materialize through dispatch", () => {
  it("self-test says what materialize would do and changes nothing", async () => {
    await world.github.resetStats();
    const { code, report } = await dispatchMode("self-test", "acme/fresh", "fresh-self-test");
    expect(code).toBe(0);
    const record = await world.record(
      report.engines.find((engine) => engine.engine === "self-test")!.record_path,
    );
    expect(record).toMatchObject({
      ok: true,
      engine_name: "self-test",
      engine_ref: "v1.4.0",
      correlation_id: "fresh-self-test",
    });
    expect(record.details.summary).toBe(
      "Self-test passed: configuration is valid; materialize would create 11 labels, create 3 milestones",
    );
    expect(record.details.materialize_plan?.actions).toHaveLength(14);
    expect(await hostWrites()).toEqual([]);
  });

  it("materialize prepares the repository, and a second run makes no write", async () => {
    const first = await dispatchMode("materialize", "acme/fresh", "fresh-materialize-1");
    expect(first.code).toBe(0);
    const record = await world.record(first.report.engines[0].record_path);
    expect(record.details).toMatchObject({
      ok: true,
      summary: "Repository prepared: create 11 labels, create 3 milestones",
    });
    const labels = await world.github.client().paginate(world.github.client().rest.issues.listLabelsForRepo, {
      owner: "acme",
      repo: "fresh",
    });
    expect(labels.map((label) => `${label.name} ${label.color}`).sort()).toEqual(
      TEMPLATE_LABELS.map((label) => `${label.name} ${label.color}`).sort(),
    );

    await world.github.resetStats();
    const second = await dispatchMode("materialize", "acme/fresh", "fresh-materialize-2");
    expect(second.code).toBe(0);
    expect((await world.record(second.report.engines[0].record_path)).details).toMatchObject({
      actions: [],
      summary: "Repository is compliant: nothing to create or update",
    });
    expect(await hostWrites()).toEqual([]);
  });
});

describe("validate through dispatch", () => {
  it("validates the config a pull request proposes, at its head commit", async () => {
    const client = world.github.client(HUMAN_TOKEN);
    const current = await client.rest.repos.getContent({
      owner: "acme",
      repo: "widgets",
      path: CONFIG_PATH,
      ref: "tweak",
    });
    const { data } = await client.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "widgets",
      path: CONFIG_PATH,
      branch: "tweak",
      message: "Colour phase 1 like the design system",
      content: Buffer.from(template.replace('color: "C2E0C6"', 'color: "#C2E0C6"')).toString("base64"),
      sha: (current.data as { sha: string }).sha,
    });
    const head = data.commit.sha!;

    const { code, report } = await world.dispatchJson(
      "pull_request",
      {
        action: "opened",
        number: 7,
        pull_request: { number: 7, head: { sha: head, ref: "tweak" } },
        repository: { full_name: "acme/widgets" },
      },
      "acme/widgets",
      ["--correlation-id", "pr-7"],
    );
    expect(code).toBe(1);
    const record = await world.record(report.engines[0].record_path);
    expect(record).toMatchObject({ ok: false, engine_name: "validate", event: { action: "failure" } });
    expect(record.details.checks[0]).toEqual({
      id: "config.load",
      outcome: "PASS",
      details: { path: CONFIG_PATH, ref: head, sha: expect.any(String) },
    });
    expect(record.details.checks).toContainEqual({
      id: "config.colors",
      outcome: "FAIL",
      details: {
        errors: [
          {
            path: "/labels/0/color",
            file: CONFIG_PATH,
            line: 21,
            col: 29,
            message: `color "#C2E0C6" must be six hex digits without '#'; GitHub stores colours without it`,
            hint: 'write color: "C2E0C6"',
          },
        ],
      },
    });

    // The default branch still holds the valid config: a scheduled validate passes.
    const nightly = await world.dispatchJson("schedule", { schedule: "17 3 * * *" }, "acme/widgets", [
      "--correlation-id",
      "nightly-1",
    ]);
    expect(nightly.code).toBe(0);
    expect((await world.record(nightly.report.engines[0].record_path)).details.summary).toBe(
      "Configuration is valid",
    );
  });
});

describe("enforce through dispatch", () => {
  it("prunes and sets the milestone for a maintainer's label change; the bot's own changes start nothing", async () => {
    const labeled = {
      action: "labeled",
      issue: { number: 1 },
      label: { name: "phase-2" },
      sender: { login: "ada" },
      repository: { full_name: "acme/widgets" },
    };
    await world.github.resetStats();
    const { code, report } = await world.dispatchJson("issues", labeled, "acme/widgets", [
      "--correlation-id",
      "enforce-1",
    ]);
    expect(code).toBe(0);
    const record = await world.record(report.engines[0].record_path);
    expect(record.details.actions).toEqual([
      { id: "phase.labels.pruned", kept: "phase-2", removed: ["phase-1"] },
      { id: "priority.labels.pruned", kept: "priority/high", removed: ["priority/low"] },
      { id: "issue.milestone.set", from: null, reason: "phase label phase-2", to: "Phase 2 – Build" },
    ]);
    expect(await hostWrites()).toEqual([
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×2",
    ]);
    const { data: issue } = await world.github
      .client()
      .rest.issues.get({ owner: "acme", repo: "widgets", issue_number: 1 });
    expect(issue.labels.map((label) => (typeof label === "string" ? label : label.name)).sort()).toEqual([
      "bug",
      "phase-2",
      "priority/high",
    ]);
    expect(issue.milestone?.title).toBe("Phase 2 – Build");

    // GitHub now delivers the events enforce's own write caused, sent by the App's bot.
    const { data: events } = await world.github
      .client()
      .rest.issues.listEvents({ owner: "acme", repo: "widgets", issue_number: 1 });
    type IssueEvent = {
      event: string;
      actor: { login: string } | null;
      label?: { name: string };
      milestone?: { title: string };
    };
    const caused = (events as IssueEvent[]).filter((event) =>
      ["unlabeled", "milestoned"].includes(event.event),
    );
    expect(caused.map((event) => `${event.event} by ${event.actor?.login}`).sort()).toEqual([
      `milestoned by ${BOT}`,
      `unlabeled by ${BOT}`,
      `unlabeled by ${BOT}`,
    ]);
    await world.github.resetStats();
    for (const event of caused) {
      const delivered = {
        action: event.event,
        issue: { number: 1 },
        ...(event.label ? { label: { name: event.label.name } } : {}),
        ...(event.milestone ? { milestone: { title: event.milestone.title } } : {}),
        sender: { login: event.actor?.login },
        repository: { full_name: "acme/widgets" },
      };
      const again = await world.dispatch("issues", delivered, "acme/widgets");
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(
        `was caused by ${BOT}, this App's own bot; not enforcing again (loop guard)`,
      );
    }
    // No run started: nothing was read or written anywhere.
    expect((await world.github.stats()).total).toBe(0);
  });

  it("on an invalid config writes an ok=false record carrying the errors and leaves the issue alone", async () => {
    await world.github.resetStats();
    const labeled = {
      action: "labeled",
      issue: { number: 1 },
      label: { name: "phase-2" },
      sender: { login: "ada" },
    };
    const { code, report } = await world.dispatchJson("issues", labeled, "acme/broken", [
      "--correlation-id",
      "enforce-broken",
    ]);
    expect(code).toBe(1);
    const record = await world.record(report.engines[0].record_path);
    expect(record).toMatchObject({
      ok: false,
      event: { action: "failure", reason: "Configuration is invalid (1 problem)" },
      details: { summary: "Configuration is invalid (1 problem)", actions: [] },
    });
    expect(record.details.checks[1]).toMatchObject({
      id: "config.valid",
      outcome: "FAIL",
      details: { errors: [expect.objectContaining({ path: "/unknownKey", line: 52, col: 1 })] },
    });
    expect(await hostWrites()).toEqual([]);
  });

  it("keeps the label an issues.labeled event names (strategy latest), not the one the issue's events order", async () => {
    await world.github.resetStats();
    const labeled = {
      action: "labeled",
      issue: { number: 1 },
      label: { name: "workflow::review" },
      sender: { login: "ada" },
      repository: { full_name: "acme/scoped" },
    };
    const { code, report } = await world.dispatchJson("issues", labeled, "acme/scoped", [
      "--correlation-id",
      "enforce-latest-labeled",
    ]);
    expect(code).toBe(0);
    const record = await world.record(report.engines[0].record_path);
    expect(record.details.actions).toEqual([
      {
        id: "scoped.labels.pruned",
        scope: "workflow",
        kept: "workflow::review",
        removed: ["workflow::todo", "workflow::doing"],
      },
    ]);
    // The events are read once, by the circuit breaker before the write; strategy latest took the
    // event's label instead of their order.
    const events = (await world.github.stats()).requests.filter(
      (r) => r.route === "/repos/{owner}/{repo}/issues/{issue_number}/events",
    );
    expect(events.map((r) => r.count)).toEqual([1]);
  });

  it("reads the issue's label events when the event names no label (issues.opened)", async () => {
    await world.github.resetStats();
    const opened = {
      action: "opened",
      issue: { number: 2 },
      sender: { login: "ada" },
      repository: { full_name: "acme/scoped" },
    };
    const { code, report } = await world.dispatchJson("issues", opened, "acme/scoped", [
      "--correlation-id",
      "enforce-latest-opened",
    ]);
    expect(code).toBe(0);
    const record = await world.record(report.engines[0].record_path);
    // Created with all three at once: no label event tells them apart, so the name order decides.
    expect(record.details.actions).toEqual([
      expect.objectContaining({ id: "scoped.labels.pruned", scope: "workflow", kept: "workflow::todo" }),
    ]);
    const events = (await world.github.stats()).requests.filter(
      (r) => r.route === "/repos/{owner}/{repo}/issues/{issue_number}/events",
    );
    expect(events.map((r) => r.count)).toEqual([1]);
  });
});
