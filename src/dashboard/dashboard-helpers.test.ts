import { describe, expect, it } from "vitest";
import { aRecord } from "../../test/dashboard/a-record.js";
import { createReducer } from "./create-reducer.js";
import {
  contentDigestInput,
  dashboardFiles,
  parseStoredState,
  type StoredBuildState,
} from "./dashboard-files.js";
import { dashboardResult } from "./dashboard-result.js";
import { formatCount } from "./format-count.js";
import { gitUrlForApi } from "./git-url.js";
import { coverageOf } from "./summarize-dashboards.js";

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
      build_version: 1,
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
        metrics: { ...set.repos[0].metrics, invalid_records: 2 },
      },
      facts,
    );
    expect(broken).toMatchObject({ ok: false, summary: "Dashboard built; 2 telemetry file(s) are invalid" });
  });
});
