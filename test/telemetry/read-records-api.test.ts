import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../../src/cli/test-io.js";
import { ValidationError } from "../../src/errors.js";
import type { RecordEntry } from "../../src/telemetry/classify-record-file.js";
import { recordPathOf, serializeRecord, type TelemetryRecord } from "../../src/telemetry/envelope.js";
import { emitRecord } from "../../src/telemetry/emit-engine.js";
import { readRecordsFromApi } from "../../src/telemetry/read-records-api.js";
import { readRecordsFromDir } from "../../src/telemetry/read-records.js";
import { aRecord, aResult, startTelemetryWorld, type TelemetryWorld } from "./telemetry-world.js";

let world: TelemetryWorld;
let records: TelemetryRecord[];
let firstCommit: string;

async function put(path: string, text: string) {
  await world.github.rest.repos.createOrUpdateFileContents({
    owner: "acme",
    repo: "telemetry",
    path,
    message: "written by hand",
    content: Buffer.from(text).toString("base64"),
  });
}

async function collect(entries: AsyncIterable<RecordEntry>) {
  const all: RecordEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

beforeAll(async () => {
  world = await startTelemetryWorld();
  records = [
    aRecord({
      correlation_id: "100-1",
      engine_name: "preflight",
      generated_at: new Date("2026-11-20T09:00:00.000Z"),
    }),
    aRecord({
      correlation_id: "100-1",
      engine_name: "validate",
      generated_at: new Date("2026-11-20T09:00:01.000Z"),
    }),
    aRecord({
      correlation_id: "101-1",
      engine_name: "enforce",
      ok: false,
      details: aResult({ tool: "enforce", ok: false, summary: "phase labels conflict" }),
      generated_at: new Date("2026-11-21T09:00:00.000Z"),
    }),
    aRecord({
      target_repo: "acme/gadgets",
      correlation_id: "7-1",
      generated_at: new Date("2026-11-21T10:00:00.000Z"),
    }),
  ];
  await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record: records[0] });
  firstCommit = (
    await world.github.rest.repos.getBranch({ owner: "acme", repo: "telemetry", branch: "main" })
  ).data.commit.sha;
  for (const record of records.slice(1)) {
    await emitRecord(world.github, { telemetry_repo: "acme/telemetry", record });
  }
  // What the prior implementation left behind: a .keep, and a record that is not canonical.
  await put("telemetry/v1/repos/acme-widgets/2026-11-20/100-1/.keep", "");
  const sloppy = aRecord({ correlation_id: "102-1", generated_at: new Date("2026-11-21T11:00:00.000Z") });
  await put(recordPathOf(sloppy), JSON.stringify(sloppy));
});
afterAll(async () => {
  await world.stop();
});

describe("readRecordsFromApi", () => {
  it("yields what a checkout of the same repository yields, in the same order", async () => {
    const checkout = await world.clone();
    const fromDisk = await collect(readRecordsFromDir(checkout));
    await world.resetStats();
    const fromApi = await collect(readRecordsFromApi(world.github, { repo: "acme/telemetry" }));

    expect(fromApi).toEqual(fromDisk);
    expect(fromApi.map((entry) => [entry.kind, entry.path])).toEqual([
      ["record", "telemetry/v1/repos/acme-gadgets/2026-11-21/7-1/validate.json"],
      ["unexpected", "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/.keep"],
      ["record", "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/preflight.json"],
      ["record", "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/validate.json"],
      ["record", "telemetry/v1/repos/acme-widgets/2026-11-21/101-1/enforce.json"],
      ["invalid", "telemetry/v1/repos/acme-widgets/2026-11-21/102-1/validate.json"],
    ]);
    // A few trees to reach telemetry/v1/repos, one recursive tree per repository directory, one
    // blob per record file; the .keep is judged by its name and never read.
    expect((await world.stats()).by_route).toEqual({
      "GET /repos/{owner}/{repo}": { "200": 1 },
      "GET /repos/{owner}/{repo}/branches/{branch}": { "200": 1 },
      "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": { "200": 6 },
      "GET /repos/{owner}/{repo}/git/blobs/{file_sha}": { "200": 5 },
    });
  });

  it("narrows to one monitored repository and a first date, and reads at a given commit", async () => {
    const narrowed = await collect(
      readRecordsFromApi(
        world.github,
        { repo: "acme/telemetry" },
        { target: { owner: "acme", repo: "widgets" }, since: "2026-11-21" },
      ),
    );
    expect(narrowed.map((entry) => entry.path)).toEqual([
      "telemetry/v1/repos/acme-widgets/2026-11-21/101-1/enforce.json",
      "telemetry/v1/repos/acme-widgets/2026-11-21/102-1/validate.json",
    ]);
    const earlier = await collect(
      readRecordsFromApi(world.github, { repo: "acme/telemetry", ref: firstCommit }),
    );
    expect(earlier).toEqual([
      {
        kind: "record",
        path: recordPathOf(records[0]),
        record: records[0],
        text: serializeRecord(records[0]),
      },
    ]);
  });
});

describe("telemetry list, show and validate through the API", () => {
  const env = () => ({ GITHUB_API_URL: world.server.url, GITHUB_TOKEN: world.token });

  it("lists records as a table with a header and counts what is not a record", async () => {
    const cap = captureIO({ env: env() });
    expect(
      await main(["telemetry", "list", "--repo", "acme/telemetry", "--target", "acme/widgets"], cap.io),
    ).toBe(0);
    expect(cap.stdout()).toBe(
      [
        "GENERATED_AT              RESULT  TARGET        CORRELATION_ID  ENGINE     ENGINE_REF  REASON",
        "2026-11-20T09:00:00.000Z  ok      acme/widgets  100-1           preflight  v1.4.0",
        "2026-11-20T09:00:01.000Z  ok      acme/widgets  100-1           validate   v1.4.0",
        "2026-11-21T09:00:00.000Z  FAILED  acme/widgets  101-1           enforce    v1.4.0      phase labels conflict",
        "",
      ].join("\n"),
    );
    expect(cap.stderr()).toBe(
      "warning: 2 files are not valid records; run `task-assistant telemetry validate --repo acme/telemetry`\n",
    );
  });

  it("lists as JSON, from a first date on", async () => {
    const cap = captureIO({ env: env() });
    await main(["telemetry", "list", "--repo", "acme/telemetry", "--since", "2026-11-21", "--json"], cap.io);
    expect(JSON.parse(cap.stdout())).toEqual([
      {
        path: "telemetry/v1/repos/acme-gadgets/2026-11-21/7-1/validate.json",
        generated_at: "2026-11-21T10:00:00.000Z",
        target_repo: "acme/gadgets",
        correlation_id: "7-1",
        engine_name: "validate",
        engine_ref: "v1.4.0",
        ok: true,
        reason: null,
      },
      {
        path: "telemetry/v1/repos/acme-widgets/2026-11-21/101-1/enforce.json",
        generated_at: "2026-11-21T09:00:00.000Z",
        target_repo: "acme/widgets",
        correlation_id: "101-1",
        engine_name: "enforce",
        engine_ref: "v1.4.0",
        ok: false,
        reason: "phase labels conflict",
      },
    ]);
  });

  it("shows a record byte for byte, and refuses what is not a record path", async () => {
    const cap = captureIO({ env: env() });
    expect(
      await main(["telemetry", "show", recordPathOf(records[2]), "--repo", "acme/telemetry"], cap.io),
    ).toBe(0);
    expect(cap.stdout()).toBe(serializeRecord(records[2]));
    expect(cap.stderr()).toBe("");

    await expect(
      main(
        ["telemetry", "show", "telemetry/v1/repos/../../README.md", "--repo", "acme/telemetry"],
        captureIO({ env: env() }).io,
      ),
    ).rejects.toThrow(/not a telemetry record path/);
    await expect(
      main(
        [
          "telemetry",
          "show",
          "telemetry/v1/repos/acme-widgets/2026-11-21/999-1/enforce.json",
          "--repo",
          "acme/telemetry",
        ],
        captureIO({ env: env() }).io,
      ),
    ).rejects.toThrow(/no record at/);
  });

  it("validates the repository and exits 2 naming each problem's file", async () => {
    const cap = captureIO({ env: env() });
    await expect(main(["telemetry", "validate", "--repo", "acme/telemetry"], cap.io)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(cap.stdout()).toBe(
      [
        "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/.keep (document): unexpected file: .keep is a placeholder; record directories need none (only emit-engine writes here: telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine_name>.json)",
        "telemetry/v1/repos/acme-widgets/2026-11-21/102-1/validate.json (document): the file is not canonical JSON (sorted keys, two-space indent, one trailing newline) (records are written only by emit-engine; this file was changed or written by something else)",
        "acme/telemetry: 5 record files, 4 valid, 1 unexpected entry, 2 problems",
        "",
      ].join("\n"),
    );
    const asJson = captureIO({ env: env() });
    await expect(
      main(["telemetry", "validate", "--repo", "acme/telemetry", "--json"], asJson.io),
    ).rejects.toThrow(/has 2 problems/);
    expect(JSON.parse(asJson.stdout())).toMatchObject({
      ok: false,
      source: "acme/telemetry",
      record_files: 5,
      valid_records: 4,
      unexpected: 1,
      problems: [
        { file: "telemetry/v1/repos/acme-widgets/2026-11-20/100-1/.keep", path: "" },
        { file: "telemetry/v1/repos/acme-widgets/2026-11-21/102-1/validate.json", path: "" },
      ],
    });
    const atFirst = captureIO({ env: env() });
    expect(
      await main(["telemetry", "validate", "--repo", "acme/telemetry", "--ref", firstCommit], atFirst.io),
    ).toBe(0);
  });
});
