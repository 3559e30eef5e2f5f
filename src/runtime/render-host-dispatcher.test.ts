import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderHostDispatcher, type HostDispatcherOptions } from "./render-host-dispatcher.js";
import { scheduleSlot } from "./spread-schedule.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TODAY = readFileSync(join(ROOT, "templates", "host", "task-assistant-dispatch.yml"), "utf8");
const THIN = readFileSync(join(ROOT, "test", "runtime", "support", "thin-caller.yml"), "utf8");

const options = (overrides: Partial<HostDispatcherOptions> = {}): HostDispatcherOptions => ({
  ref: "v1",
  repo: "acme/widgets",
  app_slug: "acme-assistant",
  default_branch: "trunk",
  ...overrides,
});

interface Workflow {
  on: { push: { branches?: string[]; paths: string[] }; schedule: { cron: string }[] };
  jobs: Record<string, { if?: string; uses?: string; with?: Record<string, unknown> }>;
}

function rendered(template: string, overrides: Partial<HostDispatcherOptions> = {}): Workflow {
  const result = renderHostDispatcher(template, options(overrides));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return parse(result.text) as Workflow;
}

describe("renderHostDispatcher", () => {
  it("pins the thin caller's dispatch.yml to the ref and writes the slug, the branch and the slot", () => {
    const workflow = rendered(THIN);
    const job = workflow.jobs["task-assistant"];
    expect(job.uses).toBe("automated-assistant-systems/task-assistant/.github/workflows/dispatch.yml@v1");
    expect(job.if).toBe(
      "github.event_name != 'issues' || github.event.sender.login != 'acme-assistant[bot]'",
    );
    expect(workflow.on.push).toEqual({ paths: [".github/task-assistant.yml"], branches: ["trunk"] });
    const { minute, hour } = scheduleSlot("acme/widgets");
    expect(workflow.on.schedule).toEqual([{ cron: `${minute} ${hour} * * *` }]);
  });

  it("keeps the template's comments", () => {
    const result = renderHostDispatcher(THIN, options());
    expect(result.ok && result.text).toContain("# The App's own label and milestone changes");
  });

  it("passes app_slug where the caller passes one to dispatch.yml", () => {
    const withSlug = THIN.replace(
      "      mode: ${{ inputs.mode }}",
      "      mode: ${{ inputs.mode }}\n      app_slug: x",
    );
    expect(rendered(withSlug).jobs["task-assistant"].with).toEqual({
      mode: "${{ inputs.mode }}",
      app_slug: "acme-assistant",
    });
  });

  it("renders a full dispatcher of the earlier shape (engine calls in the host) for this host", () => {
    const result = renderHostDispatcher(TODAY, options({ ref: "v1.4.0" }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const workflow = parse(result.text) as Workflow;
    expect(workflow.jobs["task-assistant"].if).toContain("'acme-assistant[bot]'");
    expect(workflow.on.push.branches).toEqual(["trunk"]);
    expect(workflow.on.schedule[0].cron).not.toBe("17 3 * * *");
  });

  it("escapes a default branch name that GitHub's filters would read as a pattern", () => {
    expect(rendered(THIN, { default_branch: "release+*" }).on.push.branches).toEqual(["release\\+\\*"]);
  });

  it("lists every part a template lacks instead of installing a dispatcher without it", () => {
    const bare = THIN.replace(/ {2}schedule:\n.*\n/, "")
      .replace(/ {4}if: .*\n/, "")
      .replace(/ {2}push:\n.*\n/, "");
    const result = renderHostDispatcher(bare, options());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((problem) => problem.path)).toEqual([
      "/on/schedule",
      "/jobs",
      "/on/push",
    ]);
  });
});

describe("scheduleSlot", () => {
  it("is the same for the same repository, whatever the case of its name", () => {
    expect(scheduleSlot("Acme/Widgets")).toEqual(scheduleSlot("acme/widgets"));
    expect(scheduleSlot("acme/widgets")).not.toEqual(scheduleSlot("acme/gadgets"));
  });

  it("spreads 2,000 hosts over the day, never at a full hour, at most a handful per minute", () => {
    const perMinute = new Map<string, number>();
    const perHour = new Array<number>(24).fill(0);
    for (let index = 0; index < 2000; index += 1) {
      const { minute, hour } = scheduleSlot(`org-${index % 97}/repo-${index}`);
      expect(minute).toBeGreaterThanOrEqual(1);
      expect(minute).toBeLessThanOrEqual(59);
      expect(hour).toBeGreaterThanOrEqual(0);
      expect(hour).toBeLessThanOrEqual(23);
      perMinute.set(`${hour}:${minute}`, (perMinute.get(`${hour}:${minute}`) ?? 0) + 1);
      perHour[hour] += 1;
    }
    // 2,000 over 1,416 slots: a uniform hash fills most of them and piles up nowhere.
    expect(perMinute.size).toBeGreaterThan(1000);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(8);
    expect(Math.min(...perHour)).toBeGreaterThan(50);
    expect(Math.max(...perHour)).toBeLessThan(120);
  });
});
