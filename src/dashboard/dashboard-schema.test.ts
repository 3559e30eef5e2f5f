import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { aRecord } from "../../test/dashboard/a-record.js";
import { createReducer } from "./create-reducer.js";

const addFormats = addFormatsModule.default;
const schema = JSON.parse(
  readFileSync(new URL("../../schemas/dashboard.v1.schema.json", import.meta.url), "utf8"),
) as object;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv, ["date-time"]);
  return ajv.compile(schema);
}

describe("schemas/dashboard.v1.schema.json", () => {
  const reducer = createReducer({ owner: "acme" });
  for (const spec of [
    { cid: "1-1" },
    { cid: "1-1", engine: "enforce", ok: false, reason: "locked" },
    {
      cid: "2-1",
      at: "2026-11-24T00:00:00.000Z",
      engine: "validate",
      checks: [{ id: "c", outcome: "WARN" as const }],
    },
    {
      cid: "3-1",
      repo: "acme/gadgets",
      extra: {
        registry: {
          outcome: "ELIGIBLE",
          registry_sha: "abc",
          source: "file",
          context: "sandbox",
          state: "enabled",
        },
      },
    },
    {
      cid: "3-1",
      repo: "acme/gadgets",
      engine: "enforce",
      extra: {
        issue: { number: 4 },
        changes: [
          {
            number: 4,
            before: { labels: ["a", "b"], milestone: null },
            after: { labels: ["a"], milestone: "M" },
            rules: ["r"],
          },
        ],
        changes_total: 1,
      },
    },
  ]) {
    const { path, record } = aRecord(spec);
    reducer.add(path, record);
  }
  reducer.add("telemetry/v1/repos/acme-widgets/2026-11-21/x/enforce.json", {
    problems: [{ path: "", message: "not JSON" }],
  });
  const set = reducer.result({
    generatedAt: "2026-11-25T00:00:00.000Z",
    telemetryRepo: "acme/telemetry",
    telemetryCommit: "0123456789abcdef0123456789abcdef01234567",
    expectedRepos: ["acme/quiet"],
    webUrl: "https://github.com",
  });

  it("accepts every document the reducer writes, repository and org alike", () => {
    const validate = validator();
    // The documents exercise every new part: a failing repository, registry, changes and warnings.
    expect(set.repos.map((repo) => repo.status)).toEqual(["healthy", "no-telemetry", "failing"]);
    expect(set.repos[0].changes.recent).toHaveLength(1);
    expect(set.repos[0].registry.context).toBe("sandbox");
    expect(set.repos[2].warnings.map((w) => w.code)).toEqual(["c"]);
    for (const document of [set.index, ...set.repos]) {
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("refuses a dashboard with an unknown status or a missing metric", () => {
    const validate = validator();
    const [first] = set.repos;
    expect(validate({ ...first, status: "fine" })).toBe(false);
    const { runs: _runs, ...metrics } = first.metrics;
    expect(validate({ ...first, metrics })).toBe(false);
    expect(validate({ ...set.index, kind: "repo" })).toBe(false);
    expect(validate({ ...first, health: { ...first.health, runs: "maybe" } })).toBe(false);
    expect(validate({ ...first, web_url: "javascript:alert(1)" })).toBe(false);
  });
});
