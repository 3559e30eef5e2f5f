import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReducer } from "../../src/dashboard/create-reducer.js";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { aRecord } from "../dashboard/a-record.js";
import { serveDemoDashboards, type DemoDashboardServer } from "../../src/demo/serve-demo-dashboards.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { sendMalformedRequests, survivalProblems } from "../support/malformed-requests.js";

describe("the demo's dashboard server", () => {
  let github: TestGitHub;
  let dashboards: DemoDashboardServer;

  beforeAll(async () => {
    // acme has published dashboards whose only repository failed its last run; bolt has none yet.
    const reducer = createReducer({ owner: "acme" });
    for (const spec of [{ cid: "1-1" }, { cid: "1-1", engine: "enforce", ok: false }]) {
      const { path, record } = aRecord(spec);
      reducer.add(path, record);
    }
    const index = reducer.result({
      generatedAt: "2026-11-22T08:30:00.000Z",
      telemetryRepo: "acme/telemetry",
      telemetryCommit: null,
    }).index;
    github = await startTestGitHub({
      orgs: [{ login: "acme" }, { login: "bolt" }],
      repos: [
        { name: "acme/telemetry", files: { "telemetry/v1/dashboards/index.json": canonicalJson(index) } },
        { name: "bolt/telemetry" },
      ],
    });
    dashboards = await serveDemoDashboards({
      github: github.client(),
      orgs: ["acme", "bolt"],
      telemetryName: "telemetry",
      port: 0,
    });
  });
  afterAll(async () => {
    await dashboards?.stop();
    await github?.stop();
  });

  it("lists each org with its status, counts and failing repositories, linked to its page", async () => {
    const response = await fetch(dashboards.url);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(
      '<tr data-org="acme" data-status="failing"><th scope="row"><a href="/acme/">acme</a></th>',
    );
    expect(html).toContain(
      '<a href="/acme/#repo-acme_widgets">acme/widgets</a> <span class="small">(failing: enforce)</span>',
    );
    expect(html).toContain(
      '<tr data-org="bolt"><th scope="row"><a href="/bolt/">bolt</a></th><td colspan="6" class="muted">no dashboards published yet</td></tr>',
    );
  });

  it("answers malformed requests with 4xx and keeps serving, so the demo around it survives", async () => {
    const report = await sendMalformedRequests(dashboards.url, {
      healthPath: "/",
      paths: ["/acme/", "/acme/index.json"],
    });
    expect(survivalProblems(report)).toEqual([]);
    const outcome = (name: string) => report.results.find((result) => result.name === name)?.outcome;
    expect([outcome("GET /%"), outcome("GET /%E0%A4%A (truncated UTF-8 escape)")]).toEqual([400, 400]);
  });
});
