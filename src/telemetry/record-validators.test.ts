import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { TELEMETRY_ENVELOPE_SCHEMA } from "./envelope-schema.js";
import {
  RECORD_VALIDATORS_COMMAND,
  RECORD_VALIDATORS_MODULE,
  recordValidatorSource,
} from "./record-validator-source.js";
import * as generated from "./record-validators.generated.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const addFormats = addFormatsModule.default;

type Check = ((value: unknown) => boolean) & { errors?: unknown };

function runtimeCompiled(): { envelope: Check; result: Check } {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv, ["date-time"]);
  return {
    envelope: ajv.compile(TELEMETRY_ENVELOPE_SCHEMA),
    result: ajv.compile(TELEMETRY_ENVELOPE_SCHEMA.properties.details),
  };
}

const good = {
  schema_version: "1.0",
  generated_at: "2026-06-01T10:00:00.000Z",
  correlation_id: "100-1",
  engine_name: "validate",
  engine_ref: "v1.4.0",
  ok: false,
  source: { runner: "github-actions", workflow: "w", job: "j", run_id: "100", run_attempt: "1" },
  entity: { type: "repository", owner: "acme", repo: "widgets" },
  event: { category: "validate", action: "failure", reason: "issue 3 has no phase" },
  details: {
    tool: "t",
    version: "1",
    ok: false,
    summary: "s",
    checks: [{ id: "c", outcome: "FAIL" }],
    actions: [],
    changes: [
      {
        number: 3,
        before: { labels: ["a"], milestone: null },
        after: { labels: [], milestone: "M" },
        rules: ["r"],
      },
    ],
    changes_total: 1,
  },
};

/** Records that each break the schema differently, and a few that do not. */
const samples: unknown[] = [
  good,
  null,
  [],
  "record",
  {},
  { ...good, schema_version: "2.0" },
  { ...good, generated_at: "2026-02-30T10:00:00.000Z" },
  { ...good, generated_at: "2026-06-01 10:00:00" },
  { ...good, correlation_id: "" },
  { ...good, engine_name: "Validate" },
  { ...good, ok: true },
  { ...good, extra: 1 },
  { ...good, source: { ...good.source, runner: "jenkins" } },
  { ...good, entity: { type: "repository", owner: "acme", repo: ".." } },
  { ...good, event: { category: "validate", action: "failure", reason: "" } },
  { ...good, details: { ...good.details, checks: [{ id: "", outcome: "MAYBE" }] } },
  { ...good, details: { ...good.details, changes_total: undefined } },
  { ...good, details: { ...good.details, changes: [{ number: 0, before: {}, after: null, rules: [""] }] } },
  { ...good, details: { ...good.details, actions: [{}] } },
  { ...good, entity: { type: "repository", owner: "-acme", repo: "x".repeat(101) } },
];

describe("the record checks compiled ahead of time", () => {
  it(`are what ${RECORD_VALIDATORS_COMMAND} writes today (regenerate after changing the schema)`, () => {
    expect(readFileSync(join(ROOT, RECORD_VALIDATORS_MODULE), "utf8")).toBe(recordValidatorSource());
  });

  it("give the same verdicts and errors as the schema compiled at run time", () => {
    const compiled = runtimeCompiled();
    const ahead = generated as unknown as { envelope: Check; result: Check };
    let rejected = 0;
    for (const sample of samples) {
      for (const kind of ["envelope", "result"] as const) {
        const value =
          kind === "result" && sample !== null && typeof sample === "object"
            ? (sample as { details?: unknown }).details
            : sample;
        const verdict = compiled[kind](value);
        expect(ahead[kind](value), JSON.stringify(value)).toBe(verdict);
        expect(ahead[kind].errors ?? null).toEqual(compiled[kind].errors ?? null);
        if (!verdict) rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(samples.length);
  });
});
