import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDemoDashboards, type DemoDashboardServer } from "../../src/demo/serve-demo-dashboards.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { sendMalformedRequests, survivalProblems } from "../support/malformed-requests.js";

describe("the demo's dashboard server", () => {
  let github: TestGitHub;
  let dashboards: DemoDashboardServer;

  beforeAll(async () => {
    github = await startTestGitHub({ orgs: [{ login: "acme" }], repos: [{ name: "acme/telemetry" }] });
    dashboards = await serveDemoDashboards({
      github: github.client(),
      orgs: ["acme"],
      telemetryName: "telemetry",
      port: 0,
    });
  });
  afterAll(async () => {
    await dashboards?.stop();
    await github?.stop();
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
