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
  });

  it("accepts every document the reducer writes, repository and org alike", () => {
    const validate = validator();
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
  });
});
