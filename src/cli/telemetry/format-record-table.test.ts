import { describe, expect, it } from "vitest";
import { formatRecordTable, orderRecordRows, type RecordRow } from "./format-record-table.js";

const aRow = (overrides: Partial<RecordRow>): RecordRow => ({
  path: "p",
  generated_at: "2026-11-21T09:00:00.000Z",
  target_repo: "acme/widgets",
  correlation_id: "100-1",
  engine_name: "preflight",
  engine_ref: "v1.4.0",
  ok: true,
  reason: null,
  ...overrides,
});

describe("telemetry list's table", () => {
  it("puts each run's records in time order, preflight first on a tie, runs in their path order", () => {
    const rows = [
      aRow({ correlation_id: "200-1", engine_name: "dashboard" }),
      aRow({ correlation_id: "200-1", engine_name: "preflight" }),
      aRow({ correlation_id: "200-1", engine_name: "self-test" }),
      aRow({ correlation_id: "100-1", engine_name: "validate", generated_at: "2026-11-21T09:00:01.000Z" }),
      aRow({ correlation_id: "100-1", engine_name: "preflight", generated_at: "2026-11-21T09:00:02.000Z" }),
    ];
    expect(orderRecordRows(rows).map((row) => `${row.correlation_id} ${row.engine_name}`)).toEqual([
      "200-1 preflight",
      "200-1 self-test",
      "200-1 dashboard",
      "100-1 validate",
      "100-1 preflight",
    ]);
  });

  it("has a header and aligned columns, and a failure's reason on one line", () => {
    const table = formatRecordTable([
      aRow({}),
      aRow({ engine_name: "enforce", ok: false, reason: "phase labels\nconflict", correlation_id: "100-10" }),
    ]);
    expect(table).toBe(
      [
        "GENERATED_AT              RESULT  TARGET        CORRELATION_ID  ENGINE     ENGINE_REF  REASON",
        "2026-11-21T09:00:00.000Z  ok      acme/widgets  100-1           preflight  v1.4.0",
        "2026-11-21T09:00:00.000Z  FAILED  acme/widgets  100-10          enforce    v1.4.0      phase labels conflict",
        "",
      ].join("\n"),
    );
  });
});
