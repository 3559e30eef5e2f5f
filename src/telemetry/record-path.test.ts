import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import {
  checkRecordPathParts,
  parseRecordPath,
  recordPath,
  RECORDS_ROOT,
  type RecordPathParts,
} from "./record-path.js";

const parts = (overrides: Partial<RecordPathParts> = {}): RecordPathParts => ({
  owner: "acme",
  repo: "widgets",
  date: "2026-11-21",
  correlation_id: "9187-1",
  engine_name: "enforce",
  ...overrides,
});

/** Strings that mix valid characters with every separator and traversal trick. */
const hostileSegment = fc.oneof(
  fc.string({ maxLength: 45 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.stringMatching(/^[A-Za-z0-9._/\\-]{0,20}$/),
  fc.constantFrom(
    "",
    ".",
    "..",
    "../..",
    "a/../..",
    "%2e%2e",
    "a\u0000b",
    " acme",
    "acme ",
    "-acme",
    "acme-",
    "a".repeat(40),
  ),
);

const validOwner = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/);
const validRepo = fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/).filter((r) => r !== "." && r !== "..");
const validDate = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const validCorrelationId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
const validEngine = fc.constantFrom(
  "preflight",
  "validate",
  "materialize",
  "enforce",
  "self-test",
  "dashboard",
);

describe("recordPath", () => {
  it("builds the DESIGN §5.6 path from valid segments", () => {
    expect(recordPath(parts())).toBe("telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json");
    expect(recordPath(parts({ repo: ".github", engine_name: "self-test" }))).toBe(
      "telemetry/v1/repos/acme-.github/2026-11-21/9187-1/self-test.json",
    );
  });

  it("refuses each bad segment by name, listing every problem at once", () => {
    const problems = checkRecordPathParts({
      owner: "ac/me",
      repo: "..",
      date: "2026-02-30",
      correlation_id: "../x",
      engine_name: "Enforce",
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      "/owner",
      "/repo",
      "/date",
      "/correlation_id",
      "/engine_name",
    ]);
    expect(() => recordPath(parts({ correlation_id: "../../etc" }))).toThrow(ValidationError);
  });

  it("never yields a path outside telemetry/v1/repos/, whatever the input", () => {
    // Each segment is either valid or hostile, so both outcomes are exercised many times.
    const segment = (valid: fc.Arbitrary<string>) => fc.oneof(valid, hostileSegment);
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        segment(validOwner),
        segment(validRepo),
        segment(validDate),
        segment(validCorrelationId),
        segment(validEngine),
        (owner, repo, date, cid, engine) => {
          let path: string;
          try {
            path = recordPath({ owner, repo, date, correlation_id: cid, engine_name: engine });
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            refused += 1;
            return;
          }
          built += 1;
          expect(path.startsWith(`${RECORDS_ROOT}/`)).toBe(true);
          expect(posix.normalize(path)).toBe(path);
          const segments = path.slice(RECORDS_ROOT.length + 1).split("/");
          expect(segments).toHaveLength(4);
          for (const part of segments) expect(["", ".", ".."]).not.toContain(part);
          // Only the characters the segment rules allow, so no separator, control or escape sneaks in.
          expect(path).toMatch(/^[A-Za-z0-9._/-]+$/);
        },
      ),
      { numRuns: 5000 },
    );
    expect(built).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it("round-trips through parseRecordPath for every valid input", () => {
    const owner = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/);
    const repo = fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/).filter((r) => r !== "." && r !== "..");
    const date = fc
      .date({
        min: new Date("2000-01-01T00:00:00Z"),
        max: new Date("2099-12-31T00:00:00Z"),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const cid = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
    const engine = fc.constantFrom(
      "preflight",
      "validate",
      "materialize",
      "enforce",
      "self-test",
      "dashboard",
    );
    fc.assert(
      fc.property(owner, repo, date, cid, engine, (o, r, d, c, e) => {
        const path = recordPath({ owner: o, repo: r, date: d, correlation_id: c, engine_name: e });
        expect(parseRecordPath(path)).toEqual({
          owner_repo: `${o}-${r}`,
          date: d,
          correlation_id: c,
          engine_name: e,
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseRecordPath", () => {
  it("rejects anything that is not exactly a record path", () => {
    for (const path of [
      "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/.keep",
      "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.txt",
      "telemetry/v1/repos/acme-widgets/2026-11-21/enforce.json",
      "telemetry/v1/repos/acme-widgets/2026-13-01/9187-1/enforce.json",
      "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/x/enforce.json",
      "telemetry/v1/repos/acme-widgets/2026-11-21/../enforce.json",
      "telemetry/v1/repos/acmewidgets/2026-11-21/9187-1/enforce.json",
      "telemetry/v1/dashboards/acme-widgets/dashboard.json",
      "/telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json",
    ]) {
      expect(parseRecordPath(path), path).toBeUndefined();
    }
  });
});
