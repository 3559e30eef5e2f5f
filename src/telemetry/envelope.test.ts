import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import type { EngineResult } from "../runtime/engine.js";
import { canonicalJson } from "../util/canonical-json.js";
import { checkRecord } from "./check-record.js";
import { buildEnvelope, recordPathOf, serializeRecord, type EnvelopeInput } from "./envelope.js";
import { TELEMETRY_ENVELOPE_SCHEMA } from "./envelope-schema.js";

const aResult = (overrides: Partial<EngineResult> = {}): EngineResult => ({
  tool: "enforce",
  version: "1.4.0",
  ok: true,
  summary: "phase labels consistent",
  checks: [{ id: "phase", outcome: "PASS" }],
  actions: [],
  ...overrides,
});

const anInput = (overrides: Partial<EnvelopeInput> = {}): EnvelopeInput => ({
  generated_at: new Date("2026-11-21T22:37:56.123Z"),
  correlation_id: "9187-1",
  engine_name: "enforce",
  engine_ref: "v1.4.0",
  target_repo: "acme/widgets",
  source: {
    runner: "github-actions",
    workflow: "engine-enforce",
    job: "enforce",
    run_id: "9187",
    run_attempt: "1",
  },
  ok: true,
  details: aResult(),
  ...overrides,
});

describe("buildEnvelope", () => {
  it("builds the DESIGN §5.6 record for a successful engine", () => {
    const record = buildEnvelope(anInput());
    expect(record).toEqual({
      schema_version: "1.0",
      generated_at: "2026-11-21T22:37:56.123Z",
      correlation_id: "9187-1",
      engine_name: "enforce",
      engine_ref: "v1.4.0",
      ok: true,
      source: {
        runner: "github-actions",
        workflow: "engine-enforce",
        job: "enforce",
        run_id: "9187",
        run_attempt: "1",
      },
      entity: { type: "repository", owner: "acme", repo: "widgets" },
      event: { category: "enforce", action: "success", reason: null },
      details: aResult(),
    });
    expect(recordPathOf(record)).toBe("telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json");
  });

  it("gives a failure a non-null reason: the one given, else the summary, else a sentence", () => {
    const failed = aResult({ ok: false, summary: "config invalid" });
    expect(buildEnvelope(anInput({ ok: false, details: failed, reason: "boom" })).event).toEqual({
      category: "enforce",
      action: "failure",
      reason: "boom",
    });
    expect(buildEnvelope(anInput({ ok: false, details: failed })).event.reason).toBe("config invalid");
    expect(
      buildEnvelope(anInput({ ok: false, details: aResult({ ok: false, summary: " " }) })).event.reason,
    ).toBe("enforce reported ok=false");
  });

  it("writes the date directory from generated_at in UTC, even across midnight elsewhere", () => {
    const record = buildEnvelope(anInput({ generated_at: "2026-11-22T00:30:00.000+02:00" }));
    expect(record.generated_at).toBe("2026-11-21T22:30:00.000Z");
    expect(recordPathOf(record)).toContain("/2026-11-21/");
  });

  it("refuses inconsistent input with every problem listed", () => {
    expect(
      problemsOf(() =>
        buildEnvelope(
          anInput({
            correlation_id: "../x",
            details: aResult({
              ok: false,
              checks: [{ id: "c", outcome: "PASS", details: { owner: "a", repo: "b" } }],
            }),
          }),
        ),
      ),
    ).toEqual(["/correlation_id", "/details/ok", "/details/checks/0/details"]);
    expect(problemsOf(() => buildEnvelope(anInput({ target_repo: "acme" })))).toEqual(["/target_repo"]);
    expect(problemsOf(() => buildEnvelope(anInput({ reason: "why" })))).toEqual(["/reason"]);
    expect(problemsOf(() => buildEnvelope(anInput({ generated_at: "yesterday" })))).toEqual([
      "/generated_at",
    ]);
  });
});

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((problem) => problem.path);
  }
  throw new Error("expected a ValidationError");
}

describe("serializeRecord", () => {
  it("gives the same bytes for the same content, keys sorted, one trailing newline", () => {
    const a = serializeRecord(buildEnvelope(anInput()));
    const b = serializeRecord(
      buildEnvelope(
        anInput({
          details: {
            actions: [],
            checks: [{ outcome: "PASS", id: "phase" }],
            summary: "phase labels consistent",
            ok: true,
            version: "1.4.0",
            tool: "enforce",
          },
        }),
      ),
    );
    expect(a).toBe(b);
    expect(a.startsWith('{\n  "correlation_id": "9187-1",\n  "details": {')).toBe(true);
    expect(a.endsWith("}\n")).toBe(true);
  });
});

describe("checkRecord", () => {
  const valid = () => JSON.parse(serializeRecord(buildEnvelope(anInput()))) as Record<string, unknown>;

  it("accepts what buildEnvelope builds", () => {
    expect(checkRecord(valid())).toEqual([]);
  });

  it("ties ok, event.action and event.reason together", () => {
    const record = valid();
    record.ok = false;
    (record.details as Record<string, unknown>).ok = false;
    expect(checkRecord(record).map((problem) => problem.message)).toEqual([
      'event.action must be "failure" because ok is false',
      "event.reason must name the failure (a non-empty string) when ok is false",
    ]);
    record.event = { category: "enforce", action: "success", reason: "something" };
    record.ok = true;
    (record.details as Record<string, unknown>).ok = true;
    expect(checkRecord(record).map((problem) => problem.path)).toContain("/event/reason");
  });

  it("names unknown keys, missing keys, wrong enums and a category that is not the engine", () => {
    const record = valid();
    record.extra = 1;
    delete (record.source as Record<string, unknown>).job;
    (record.source as Record<string, unknown>).runner = "jenkins";
    (record.event as Record<string, unknown>).category = "validate";
    record.generated_at = "2026-02-30T00:00:00Z";
    const messages = checkRecord(record).map((problem) => `${problem.path} ${problem.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "/extra record has unknown key extra",
        "/source/job source is missing job",
        '/source/runner source.runner must be one of "github-actions", "local"',
        '/event/category event.category "validate" must equal engine_name "enforce"',
      ]),
    );
    expect(messages.some((message) => message.startsWith("/generated_at"))).toBe(true);
  });

  it("accepts an enforce record's changes and checks each change's number, faces and rules", () => {
    const change = {
      number: 7,
      before: { labels: ["track/sprint", "track/backlog"], milestone: null },
      after: { labels: ["track/sprint"], milestone: "Phase 2" },
      rules: ["track.labels.pruned"],
    };
    const record = valid();
    const details = record.details as Record<string, unknown>;
    details.changes = [change];
    details.changes_total = 1;
    expect(checkRecord(record)).toEqual([]);

    details.changes = [
      { ...change, number: 0, before: { labels: "track/sprint", milestone: null }, rules: [""] },
      { number: 8, before: change.before, after: { labels: [] }, rules: [] },
    ];
    details.changes_total = 2;
    expect(checkRecord(record).map((problem) => problem.path)).toEqual(
      expect.arrayContaining([
        "/details/changes/0/number",
        "/details/changes/0/before/labels",
        "/details/changes/0/rules/0",
        "/details/changes/1/after/milestone",
      ]),
    );

    details.changes = [change];
    details.changes_total = 0;
    expect(checkRecord(record)).toEqual([
      expect.objectContaining({
        path: "/details/changes_total",
        message: "details.changes_total is 0 but details.changes lists 1 change(s)",
      }),
    ]);
    delete details.changes_total;
    expect(checkRecord(record).map((problem) => problem.path)).toEqual(["/details"]);
  });

  it("still accepts records written before changes existed", () => {
    const record = valid();
    expect((record.details as Record<string, unknown>).changes).toBeUndefined();
    expect(checkRecord(record)).toEqual([]);
  });

  it("rejects arrays, null and non-objects as a whole", () => {
    for (const value of [null, [], "text", 3]) expect(checkRecord(value).length).toBeGreaterThan(0);
  });
});

describe("the published schema", () => {
  it("is the schema the code validates with", async () => {
    const published = await readFile(
      new URL("../../schemas/telemetry-envelope.v1.schema.json", import.meta.url),
      "utf8",
    );
    expect(JSON.parse(published)).toEqual(JSON.parse(canonicalJson(TELEMETRY_ENVELOPE_SCHEMA)));
  });
});
