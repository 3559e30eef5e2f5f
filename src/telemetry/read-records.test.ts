import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EngineResult } from "../runtime/engine.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { RecordEntry } from "./classify-record-file.js";
import {
  buildEnvelope,
  recordPathOf,
  serializeRecord,
  type EnvelopeInput,
  type TelemetryRecord,
} from "./envelope.js";
import { readRecordsFromDir } from "./read-records.js";
import { validateRecords } from "./validate-records.js";

const aResult = (ok = true): EngineResult => ({
  tool: "t",
  version: "1",
  ok,
  summary: ok ? "fine" : "broken",
  checks: [],
  actions: [],
});

const aRecord = (overrides: Partial<EnvelopeInput> = {}): TelemetryRecord =>
  buildEnvelope({
    generated_at: "2026-11-21T10:00:00.000Z",
    correlation_id: "100-1",
    engine_name: "preflight",
    engine_ref: "v1.0.0",
    target_repo: "acme/widgets",
    source: { runner: "local", workflow: "dispatch", job: "preflight" },
    ok: true,
    details: aResult(),
    ...overrides,
  });

let checkout: string;
beforeEach(async () => {
  checkout = await mkdtemp(join(tmpdir(), "telemetry-read-"));
});
afterEach(async () => {
  await rm(checkout, { recursive: true, force: true });
});

async function put(path: string, text: string) {
  await mkdir(dirname(join(checkout, path)), { recursive: true });
  await writeFile(join(checkout, path), text);
}
async function store(record: TelemetryRecord, path = recordPathOf(record)) {
  await put(path, serializeRecord(record));
  return path;
}
async function collect(entries: AsyncIterable<RecordEntry>) {
  const all: RecordEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

describe("readRecordsFromDir", () => {
  it("yields every record in a stable order with its parsed envelope", async () => {
    const later = await store(aRecord({ correlation_id: "101-1", engine_name: "validate" }));
    const first = await store(aRecord());
    const other = await store(
      aRecord({ target_repo: "acme/gadgets", generated_at: "2026-11-22T01:00:00.000Z" }),
    );
    const entries = await collect(readRecordsFromDir(checkout));
    expect(entries.map((entry) => [entry.kind, entry.path])).toEqual([
      ["record", other],
      ["record", first],
      ["record", later],
    ]);
    const firstEntry = entries[1];
    expect(firstEntry.kind === "record" && firstEntry.record).toEqual(aRecord());
  });

  it("narrows to one monitored repository and a first date", async () => {
    await store(aRecord({ generated_at: "2026-11-20T23:59:59.999Z" }));
    const kept = await store(aRecord({ generated_at: "2026-11-21T00:00:00.000Z", correlation_id: "2-1" }));
    await store(aRecord({ target_repo: "acme/gadgets" }));
    const entries = await collect(
      readRecordsFromDir(checkout, { target: { owner: "acme", repo: "widgets" }, since: "2026-11-21" }),
    );
    expect(entries.map((entry) => entry.path)).toEqual([kept]);
  });

  it("yields nothing for a checkout without telemetry/v1/repos", async () => {
    await put("README.md", "# telemetry\n");
    expect(await collect(readRecordsFromDir(checkout))).toEqual([]);
  });

  it("stops cleanly when the consumer stops early", async () => {
    for (let index = 0; index < 40; index += 1) await store(aRecord({ correlation_id: `run-${index}` }));
    let seen = 0;
    for await (const entry of readRecordsFromDir(checkout, { readAhead: 4 })) {
      expect(entry.kind).toBe("record");
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});

describe("validateRecords over a checkout", () => {
  it("accepts a clean tree", async () => {
    await store(aRecord());
    await store(aRecord({ engine_name: "validate", ok: false, details: aResult(false) }));
    expect(await validateRecords(readRecordsFromDir(checkout))).toEqual({
      record_files: 2,
      valid_records: 2,
      unexpected: 0,
      problems: [],
    });
  });

  it("reports each broken rule with the file it is in", async () => {
    const base = "telemetry/v1/repos/acme-widgets/2026-11-21";
    const record = aRecord();
    // Content that disagrees with its place: each directory rule once.
    await store(record, `${base}/100-1/validate.json`);
    await store(record, `${base}/999-1/preflight.json`);
    await store(record, "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/preflight.json");
    await store(record, `telemetry/v1/repos/acme-gadgets/2026-11-21/100-1/preflight.json`);
    // Content that is wrong in itself.
    const sneaky = JSON.parse(serializeRecord(aRecord({ correlation_id: "5-1" })));
    sneaky.details.checks = [{ id: "x", outcome: "PASS", details: { owner: "a", repo: "b" } }];
    sneaky.event.reason = "none";
    await put(`${base}/5-1/preflight.json`, canonicalJson(sneaky));
    await put(`${base}/6-1/preflight.json`, "{not json");
    await put(`${base}/7-1/preflight.json`, JSON.stringify(aRecord({ correlation_id: "7-1" })));
    // Things that do not belong.
    await put(`${base}/100-1/.keep`, "");
    await put(`${base}/100-1/notes.txt`, "hello");
    await put(`${base}/100-1/nested/enforce.json`, "{}");
    await put("telemetry/v1/repos/acme-widgets/21-11-2026/x/preflight.json", "{}");
    await put("telemetry/v1/repos/stray.json", "{}");
    await symlink("/etc/passwd", join(checkout, `${base}/100-1/dashboard.json`));

    const report = await validateRecords(readRecordsFromDir(checkout));
    const lines = report.problems.map((problem) => `${problem.file} ${problem.path}: ${problem.message}`);
    expect(lines).toEqual([
      'telemetry/v1/repos/acme-gadgets/2026-11-21/100-1/preflight.json /entity: the repository directory is "acme-gadgets" but the record says "acme-widgets"',
      'telemetry/v1/repos/acme-widgets/2026-11-20/100-1/preflight.json /generated_at: the date directory is "2026-11-20" but the record says "2026-11-21"',
      "telemetry/v1/repos/acme-widgets/2026-11-21/100-1/.keep : unexpected file: .keep is a placeholder; record directories need none",
      "telemetry/v1/repos/acme-widgets/2026-11-21/100-1/dashboard.json : unexpected entry: dashboard.json is not an <engine_name>.json record file",
      "telemetry/v1/repos/acme-widgets/2026-11-21/100-1/nested/ : unexpected directory: nested is not an <engine_name>.json record file",
      "telemetry/v1/repos/acme-widgets/2026-11-21/100-1/notes.txt : unexpected file: notes.txt is not an <engine_name>.json record file",
      'telemetry/v1/repos/acme-widgets/2026-11-21/100-1/validate.json /engine_name: the file name is "validate.json" but the record says "preflight.json"',
      "telemetry/v1/repos/acme-widgets/2026-11-21/5-1/preflight.json /event/reason: event.reason must be null when ok is true",
      "telemetry/v1/repos/acme-widgets/2026-11-21/5-1/preflight.json /details/checks/0/details: details at /checks/0/details holds both owner and repo; only the envelope's entity names the repository",
      expect.stringMatching(
        /^telemetry\/v1\/repos\/acme-widgets\/2026-11-21\/6-1\/preflight.json : the file is not valid JSON: /,
      ),
      "telemetry/v1/repos/acme-widgets/2026-11-21/7-1/preflight.json : the file is not canonical JSON (sorted keys, two-space indent, one trailing newline)",
      'telemetry/v1/repos/acme-widgets/2026-11-21/999-1/preflight.json /correlation_id: the correlation directory is "999-1" but the record says "100-1"',
      "telemetry/v1/repos/acme-widgets/21-11-2026/ : unexpected directory: 21-11-2026 is not a YYYY-MM-DD date directory",
      "telemetry/v1/repos/stray.json : unexpected file: stray.json is not an <owner>-<repo> directory",
    ]);
    expect(report).toMatchObject({ record_files: 7, valid_records: 0, unexpected: 6 });
  });

  it("holds every record of a run to its run's date: preflight's day, which an engine may follow past midnight", async () => {
    const before = "2026-12-05T23:59:59.900Z";
    const after = "2026-12-06T00:00:02.300Z";
    const run = (cid: string, engine: string, at: string, date: string) =>
      store(
        aRecord({ correlation_id: cid, engine_name: engine, generated_at: at }),
        `telemetry/v1/repos/acme-widgets/${date}/${cid}/${engine}.json`,
      );
    // A run across midnight, in preflight's directory: valid.
    await run("556-1", "preflight", before, "2026-12-05");
    await run("556-1", "enforce", after, "2026-12-05");
    // The same kind of run split over two directories: the later part is reported.
    await run("557-1", "preflight", before, "2026-12-05");
    await run("557-1", "enforce", after, "2026-12-06");
    // A preflight record never sits under the day before its own, and no record two days before.
    await run("558-1", "preflight", after, "2026-12-05");
    await run("559-1", "enforce", after, "2026-12-04");

    const report = await validateRecords(readRecordsFromDir(checkout));
    expect(report.problems.map((problem) => `${problem.file} ${problem.path}: ${problem.message}`)).toEqual([
      'telemetry/v1/repos/acme-widgets/2026-12-04/559-1/enforce.json /generated_at: the date directory is "2026-12-04" but the record\'s run date can only be "2026-12-06" (the UTC date of generated_at) or the day before it',
      'telemetry/v1/repos/acme-widgets/2026-12-05/558-1/preflight.json /generated_at: the date directory is "2026-12-05" but the record says "2026-12-06"',
      "telemetry/v1/repos/acme-widgets/2026-12-06/557-1/enforce.json /correlation_id: run 557-1 is also under 2026-12-05: all records of one run belong in one date directory",
    ]);
    expect(report).toMatchObject({ record_files: 6, valid_records: 3 });
  });
});
