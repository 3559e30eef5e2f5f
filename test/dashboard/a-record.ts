import { buildEnvelope, recordPathOf, type TelemetryRecord } from "../../src/telemetry/envelope.js";

/** What a test says about a record; everything else gets a plausible default. */
export interface RecordSpec {
  repo?: string;
  engine?: string;
  cid?: string;
  at?: string;
  ok?: boolean;
  reason?: string;
  ref?: string;
  actions?: ReadonlyArray<Record<string, unknown> & { id: string }>;
  checks?: ReadonlyArray<{ id: string; outcome: "PASS" | "WARN" | "FAIL" }>;
  summary?: string;
  /** More engine-result fields (`changes`, `registry`, `issue`, ...), merged into `details`. */
  extra?: Record<string, unknown>;
  /** The run's date directory when it is not the UTC date of `at` (a run that crossed midnight). */
  runDate?: string;
}

/**
 * A valid telemetry record built through the real envelope builder, and the path emit-engine would
 * store it at.
 *
 * @example aRecord({ engine: "enforce", ok: false, reason: "issue locked" })
 */
export function aRecord(spec: RecordSpec = {}): { path: string; record: TelemetryRecord } {
  const engine = spec.engine ?? "preflight";
  const ok = spec.ok ?? true;
  const record = buildEnvelope({
    generated_at: spec.at ?? "2026-11-21T10:00:00.000Z",
    correlation_id: spec.cid ?? "9187-1",
    engine_name: engine,
    engine_ref: spec.ref ?? "v1.4.0",
    target_repo: spec.repo ?? "acme/widgets",
    source: { runner: "local", workflow: `engine-${engine}`, job: engine },
    ok,
    reason: ok ? undefined : (spec.reason ?? `${engine} failed`),
    details: {
      tool: `task-assistant-${engine}`,
      version: "1.4.0",
      ok,
      summary: spec.summary ?? (ok ? `${engine} passed` : `${engine} failed`),
      checks: [...(spec.checks ?? [])],
      actions: [...(spec.actions ?? [])],
      ...spec.extra,
    },
  });
  const path = recordPathOf(record);
  return {
    path:
      spec.runDate === undefined
        ? path
        : path.replace(`/${record.generated_at.slice(0, 10)}/`, `/${spec.runDate}/`),
    record,
  };
}
