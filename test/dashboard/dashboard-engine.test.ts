import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDispatchWorld, templateConfig, type DispatchWorld } from "../engines/dispatch-world.js";

let world: DispatchWorld;

beforeAll(async () => {
  world = await startDispatchWorld([
    {
      name: "acme/widgets",
      files: { "README.md": "# widgets\n", ".github/task-assistant.yml": await templateConfig() },
    },
  ]);
});

afterAll(async () => {
  await world?.stop();
});

async function telemetryFile(path: string): Promise<string> {
  const { data } = await world.github
    .client()
    .rest.repos.getContent({ owner: "acme", repo: "telemetry", path });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

describe("the dashboard engine in a self-test run", () => {
  it("publishes the org's dashboards, including this run's records, and records how it went", async () => {
    const { code, report } = await world.dispatchJson(
      "workflow_dispatch",
      { inputs: { mode: "self-test" }, repository: { full_name: "acme/widgets" } },
      "acme/widgets",
      ["--correlation-id", "dash-self-test-1"],
    );
    expect(code).toBe(0);
    expect(report.plan.engines).toEqual(["preflight", "self-test", "dashboard"]);
    const dashboard = report.engines.find((engine) => engine.engine === "dashboard")!;
    expect(dashboard.ok).toBe(true);

    const record = await world.record(dashboard.record_path);
    expect(record).toMatchObject({ ok: true, engine_name: "dashboard", correlation_id: "dash-self-test-1" });
    expect(record.details.summary).toBe("Dashboard built from 2 records");
    expect(record.details.checks.map((check) => [check.id, check.outcome])).toEqual([
      ["dashboard.build", "PASS"],
      ["telemetry.valid", "PASS"],
    ]);
    expect(record.details.actions[0]).toMatchObject({
      id: "dashboards.published",
      path: "telemetry/v1/dashboards/",
    });

    // The dashboard was built after preflight's and self-test's records were written.
    const widgets = JSON.parse(await telemetryFile("telemetry/v1/dashboards/acme-widgets/dashboard.json"));
    expect(widgets).toMatchObject({
      repository: "acme/widgets",
      status: "healthy",
      metrics: { runs: 1, records: 2 },
    });
    expect(Object.keys(widgets.engines)).toEqual(["preflight", "self-test"]);
    expect(await telemetryFile("telemetry/v1/dashboards/index.html")).toContain("<h1>acme <span");
  });
});
