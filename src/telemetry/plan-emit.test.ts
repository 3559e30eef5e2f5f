import { describe, expect, it } from "vitest";
import { PolicyError, ValidationError } from "../errors.js";
import { buildEnvelope, serializeRecord, type TelemetryRecord } from "./envelope.js";
import { encodeBase64, planEmit } from "./plan-emit.js";

const aRecord = (engine = "validate"): TelemetryRecord =>
  buildEnvelope({
    generated_at: new Date("2026-11-21T22:37:56.123Z"),
    correlation_id: "9187-1",
    engine_name: engine,
    engine_ref: "v1.4.0",
    target_repo: "acme/widgets",
    source: { runner: "local", workflow: "engine-validate", job: "validate" },
    ok: true,
    details: { tool: "validate", version: "1.4.0", ok: true, summary: "ok", checks: [], actions: [] },
  });

describe("planEmit", () => {
  it("plans one write of the canonical bytes at the record's path", () => {
    const record = aRecord();
    const plan = planEmit({ telemetry_repo: "acme/telemetry", record });
    expect(plan).toEqual({
      owner: "acme",
      repo: "telemetry",
      path: "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/validate.json",
      text: serializeRecord(record),
      content: Buffer.from(serializeRecord(record)).toString("base64"),
      message: "telemetry: validate acme/widgets 9187-1",
    });
  });

  it("refuses another org's telemetry repository, whatever the letter case", () => {
    expect(() => planEmit({ telemetry_repo: "globex/telemetry", record: aRecord() })).toThrow(PolicyError);
    expect(() => planEmit({ telemetry_repo: "globex/telemetry", record: aRecord() })).toThrow(/cross-org/);
    expect(planEmit({ telemetry_repo: "ACME/telemetry", record: aRecord() }).owner).toBe("ACME");
  });

  it("refuses the monitored repository as its own telemetry repository", () => {
    expect(() => planEmit({ telemetry_repo: "acme/Widgets", record: aRecord() })).toThrow(
      /monitored repository/,
    );
  });

  it("refuses a malformed telemetry repository and a record that was tampered with", () => {
    expect(() => planEmit({ telemetry_repo: "acme/../x", record: aRecord() })).toThrow(ValidationError);
    const tampered = { ...aRecord(), correlation_id: "../../escape" };
    expect(() => planEmit({ telemetry_repo: "acme/telemetry", record: tampered })).toThrow(ValidationError);
    const sneaky = aRecord();
    sneaky.details = { ...sneaky.details, actions: [{ id: "a", where: { owner: "x", repo: "y" } }] };
    expect(() => planEmit({ telemetry_repo: "acme/telemetry", record: sneaky })).toThrow(
      /invalid telemetry record/,
    );
  });
});

describe("planEmit with the run's date", () => {
  it("writes under the run date: the record's own day or, for an engine after midnight, the day before", () => {
    const record = aRecord();
    const dir = "telemetry/v1/repos/acme-widgets";
    expect(planEmit({ telemetry_repo: "acme/telemetry", record, run_date: "2026-11-20" }).path).toBe(
      `${dir}/2026-11-20/9187-1/validate.json`,
    );
    expect(planEmit({ telemetry_repo: "acme/telemetry", record, run_date: "2026-11-21" }).path).toBe(
      `${dir}/2026-11-21/9187-1/validate.json`,
    );
    // The record keeps its own time.
    expect(planEmit({ telemetry_repo: "acme/telemetry", record, run_date: "2026-11-20" }).text).toContain(
      '"generated_at": "2026-11-21T22:37:56.123Z"',
    );
  });

  it("refuses any other run date, and a preflight record anywhere but its own day", () => {
    const record = aRecord();
    for (const run_date of ["2026-11-19", "2026-11-22"]) {
      expect(() => planEmit({ telemetry_repo: "acme/telemetry", record, run_date })).toThrow(ValidationError);
    }
    const preflight = aRecord("preflight");
    expect(() =>
      planEmit({ telemetry_repo: "acme/telemetry", record: preflight, run_date: "2026-11-20" }),
    ).toThrow(ValidationError);
    expect(
      planEmit({ telemetry_repo: "acme/telemetry", record: preflight, run_date: "2026-11-21" }).path,
    ).toBe("telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/preflight.json");
  });
});

describe("encodeBase64", () => {
  it("encodes UTF-8 like Buffer does, also for long text", () => {
    for (const text of ["", "é✓ 𝄞", "x".repeat(100_000) + "ü"]) {
      expect(encodeBase64(text)).toBe(Buffer.from(text, "utf8").toString("base64"));
    }
  });
});
