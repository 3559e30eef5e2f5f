import { describe, expect, it } from "vitest";
import { aRecord } from "../../test/dashboard/a-record.js";
import { createReducer } from "./create-reducer.js";
import { commitUrl, issueUrl, recordUrl } from "./dashboard-links.js";
import {
  contentDigestInput,
  DASHBOARD_BUILD_VERSION,
  dashboardFiles,
  parseStoredState,
  type StoredBuildState,
} from "./dashboard-files.js";
import { dashboardResult } from "./dashboard-result.js";
import { formatCount } from "./format-count.js";
import { gitUrlForApi } from "./git-url.js";
import { coverageOf } from "./summarize-dashboards.js";
import { webUrlOf } from "./web-url.js";

function aSet(generatedAt: string, commit: string) {
  const reducer = createReducer({ owner: "acme" });
  const { path, record } = aRecord({ cid: "1-1" });
  reducer.add(path, record);
  return {
    reducer,
    set: reducer.result({ generatedAt, telemetryRepo: "acme/telemetry", telemetryCommit: commit }),
  };
}

describe("dashboard helpers", () => {
  it("finds the git host of a REST base URL", () => {
    expect(gitUrlForApi("https://api.github.com")).toBe("https://github.com");
    expect(gitUrlForApi("https://ghe.example.com/api/v3/")).toBe("https://ghe.example.com");
    expect(gitUrlForApi("http://127.0.0.1:40123")).toBe("http://127.0.0.1:40123");
  });

  it("links to the web host of the git URL, never with credentials or another scheme", () => {
    expect(webUrlOf("https://github.com")).toBe("https://github.com");
    expect(webUrlOf("https://x-access-token:secret@ghe.example/")).toBe("https://ghe.example");
    expect(webUrlOf("http://127.0.0.1:4100")).toBe("http://127.0.0.1:4100");
    expect(webUrlOf("file:///srv/git")).toBeUndefined();
    expect(webUrlOf("javascript:alert(1)")).toBeUndefined();
    expect(webUrlOf("not a url")).toBeUndefined();
    expect(webUrlOf(undefined)).toBeUndefined();
  });

  it("builds record, commit and issue links, and none without a web host or commit", () => {
    const base = {
      web_url: "https://github.com",
      telemetry_repo: "acme/telemetry",
      telemetry_commit: "c0ffee",
    };
    const path = "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json";
    expect(recordUrl(base, path)).toBe(`https://github.com/acme/telemetry/blob/c0ffee/${path}`);
    expect(commitUrl(base)).toBe("https://github.com/acme/telemetry/commit/c0ffee");
    expect(issueUrl(base.web_url, "acme/widgets", 7)).toBe("https://github.com/acme/widgets/issues/7");
    expect(recordUrl(base, "a b/#?.json")).toBe(
      "https://github.com/acme/telemetry/blob/c0ffee/a%20b/%23%3F.json",
    );
    expect(recordUrl({ ...base, web_url: null }, path)).toBeUndefined();
    expect(commitUrl({ ...base, telemetry_commit: null })).toBeUndefined();
    expect(issueUrl(null, "acme/widgets", 7)).toBeUndefined();
  });

  it("writes counts with thousands separators", () => {
    expect([0, 7, 999, 1000, 1234567, -4200].map(formatCount)).toEqual([
      "0",
      "7",
      "999",
      "1,000",
      "1,234,567",
      "-4,200",
    ]);
  });

  it("finds no gaps in consecutive days and measures the ones between", () => {
    expect(coverageOf(["2026-02-27", "2026-02-28", "2026-03-01"]).gaps).toEqual([]);
    expect(coverageOf(["2024-02-27", "2024-03-01"])).toEqual({
      first_day: "2024-02-27",
      last_day: "2024-03-01",
      days_present: 2,
      days_in_range: 4,
      gaps: [{ from: "2024-02-28", to: "2024-02-29", days: 2 }],
    });
  });

  it("sees no change between two builds of the same records at different times and commits", () => {
    const first = aSet("2026-11-22T00:00:00.000Z", "a".repeat(40));
    const second = aSet("2026-11-23T00:00:00.000Z", "b".repeat(40));
    const digests: string[] = [];
    for (const { set } of [first, second]) {
      dashboardFiles(set, "<html>", (input) => {
        digests.push(input);
        return {} as StoredBuildState;
      });
    }
    expect(digests[1]).toBe(digests[0]);
    expect(digests[0]).not.toContain("2026-11-22T00:00:00.000Z");
    expect(
      contentDigestInput([{ path: "x.json", content: '{\n  "a": {\n    "generated_at": "kept"\n  }\n}\n' }]),
    ).toContain('"generated_at": "kept"');
  });

  it("explains why stored state cannot be resumed", () => {
    const expected = { owner: "acme", telemetryRepo: "acme/telemetry" };
    expect(parseStoredState("{", expected)).toEqual({ unusable: "state.json is not JSON" });
    expect(parseStoredState('{"build_version": 0}', expected)).toEqual({
      unusable: "state.json was written by build version 0",
    });
    const { reducer } = aSet("2026-11-22T00:00:00.000Z", "a".repeat(40));
    const state = {
      build_version: DASHBOARD_BUILD_VERSION,
      telemetry_repo: "other/telemetry",
      telemetry_commit: "a".repeat(40),
      content_digest: "",
      reducer: reducer.state(),
    };
    expect(parseStoredState(JSON.stringify(state), expected)).toEqual({
      unusable: "state.json belongs to other/telemetry",
    });
    expect(
      parseStoredState(JSON.stringify({ ...state, telemetry_repo: "acme/telemetry" }), expected),
    ).toHaveProperty("state");
  });

  it("refuses state stored by the previous version, which lacks changes, warnings, registry and failed runs", () => {
    const expected = { owner: "acme", telemetryRepo: "acme/telemetry" };
    const { reducer } = aSet("2026-11-22T00:00:00.000Z", "a".repeat(40));
    const current = reducer.state();
    // What version 1 stored: the same reducer state without the fields version 2 added.
    const previousReducer = {
      ...current,
      state_version: 1,
      repos: current.repos.map(([folder, repo]) => {
        const { registry: _r, changes_total: _t, recent_changes: _c, warnings: _w, ...older } = repo;
        return [folder, older];
      }),
    };
    const stored = {
      build_version: 1,
      telemetry_repo: "acme/telemetry",
      telemetry_commit: "a".repeat(40),
      content_digest: "",
      reducer: previousReducer,
    };
    expect(parseStoredState(JSON.stringify(stored), expected)).toEqual({
      unusable: "state.json was written by build version 1",
    });
    expect(
      parseStoredState(JSON.stringify({ ...stored, build_version: DASHBOARD_BUILD_VERSION }), expected),
    ).toEqual({ unusable: "state.json holds no reducer state this version can resume" });
  });

  it("fails the dashboard record on invalid telemetry and warns when there is none", () => {
    const facts = { mode: "full" as const, files_read: 3, telemetry_commit: "c".repeat(40) };
    const { set } = aSet("2026-11-22T00:00:00.000Z", "a".repeat(40));
    expect(dashboardResult(set.repos[0], { ...facts, published_commit: "d".repeat(40) })).toMatchObject({
      ok: true,
      summary: "Dashboard built from 1 records",
      actions: [{ id: "dashboards.published", commit: "d".repeat(40) }],
    });
    const quiet = dashboardResult(undefined, { ...facts, skipped: "unchanged" });
    expect(quiet.ok).toBe(true);
    expect(quiet.checks[1]).toMatchObject({ id: "telemetry.valid", outcome: "WARN" });
    expect(quiet.actions).toEqual([{ id: "dashboards.not-published", reason: "unchanged" }]);
    const broken = dashboardResult(
      {
        ...set.repos[0],
        status: "invalid-telemetry",
        health: { ...set.repos[0].health, records: "invalid" },
        metrics: { ...set.repos[0].metrics, invalid_records: 2 },
      },
      facts,
    );
    expect(broken).toMatchObject({ ok: false, summary: "Dashboard built; 2 telemetry file(s) are invalid" });
    // Failing runs are the runs' records' news: the records themselves are valid.
    const failing = dashboardResult(
      {
        ...set.repos[0],
        status: "failing",
        health: { runs: "failing", failing_engines: ["enforce"], records: "valid" },
      },
      facts,
    );
    expect(failing.ok).toBe(true);
    expect(failing.checks[1]).toMatchObject({
      id: "telemetry.valid",
      outcome: "PASS",
      details: { status: "valid", runs: "failing" },
    });
  });
});
