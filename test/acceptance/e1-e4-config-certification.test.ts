import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchLabeled, dispatchMode, type Dispatched } from "./support/dispatcher.js";
import { commitConfig } from "./support/maintainer.js";
import { readIssue, readRecord, writesDuring, type StoredRecord } from "./support/observe.js";
import { prepareHosts } from "./support/prepare.js";
import { anOrg, aWorld } from "./support/world-spec.js";
import { startWorld, type AcceptanceWorld } from "./support/world.js";

/**
 * Config certification E1–E4, end to end: acme/widgets is prepared with the starter config, then its
 * maintainer commits each broken config in turn. validate, self-test and enforce each leave an
 * ok=false record carrying the error with its line and column, and enforce changes nothing — the
 * conflicted issue stays as it is until a valid config is back.
 */

const HOST = "acme/widgets";
const TELEMETRY = "acme/task-assistant-telemetry";
const FILE = ".github/task-assistant.yml";

let world: AcceptanceWorld;
let starter: string;

interface Case {
  id: string;
  title: string;
  text: (starter: string) => string;
  error: (text: string) => { path: string; line: number; col: number; message: string };
}

/** The 1-based line on which `needle` starts in `text`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

const CASES: Case[] = [
  {
    id: "E1",
    title: "the tracks section missing",
    text: (config) => config.replace(/^tracks:\n(?: {2}.*\n)+/m, ""),
    error: (text) => ({
      path: "/tracks",
      line: lineOf(text, "schema_version:"),
      col: 1,
      message: 'required key "tracks" is missing from the configuration',
    }),
  },
  {
    id: "E2",
    title: "the file is ::::invalid_yaml",
    text: () => "::::invalid_yaml\n",
    error: () => ({
      path: "",
      line: 1,
      col: 1,
      message: 'the configuration must be a mapping, but it is the text "::::invalid_yaml"',
    }),
  },
  {
    id: "E3",
    title: "an unknown top-level key",
    text: (config) => `${config}unknownKey: true\n`,
    error: (text) => ({
      path: "/unknownKey",
      line: lineOf(text, "unknownKey:"),
      col: 1,
      message: 'unknown key "unknownKey" in the configuration',
    }),
  },
  {
    id: "E4",
    title: "enforcement: true",
    text: (config) => `${config.slice(0, config.indexOf("\nenforcement:"))}\nenforcement: true\n`,
    error: (text) => ({
      path: "/enforcement",
      line: lineOf(text, "enforcement: true"),
      col: 14,
      message: "the enforcement section must be a mapping, but it is the boolean true",
    }),
  },
];

beforeAll(async () => {
  starter = await readFile(
    join(import.meta.dirname, "..", "..", "templates", "host", "task-assistant.yml"),
    "utf8",
  );
  world = await startWorld(aWorld([anOrg("acme")]));
  await prepareHosts(world, [HOST]);
});
afterAll(async () => {
  await world?.stop();
});

/** Every config error a record's checks carry. */
function errorsIn(record: StoredRecord): unknown[] {
  return record.details.checks.flatMap((check) => {
    const errors = (check.details as { errors?: unknown[] } | undefined)?.errors;
    return check.outcome === "FAIL" && Array.isArray(errors) ? errors : [];
  });
}

async function engineRecord(run: Dispatched, engine: string): Promise<StoredRecord> {
  const line = run.report?.engines.find((candidate) => candidate.engine === engine);
  if (line?.record_path === undefined) throw new Error(`no ${engine} record: ${run.stderr}${run.stdout}`);
  return readRecord(world, TELEMETRY, line.record_path);
}

describe("config certification E1–E4 end to end", () => {
  for (const certification of CASES) {
    it(`${certification.id}: ${certification.title} — validate, self-test and enforce fail with the error at line:col; enforce writes nothing`, async () => {
      const text = certification.text(starter);
      const expected = { ...certification.error(text), file: FILE };
      await commitConfig(world, HOST, text, `Certification ${certification.id}: ${certification.title}`);
      const cid = certification.id.toLowerCase();

      const validate = await dispatchMode(world, HOST, "validate", `${cid}-validate`);
      const selfTest = await dispatchMode(world, HOST, "self-test", `${cid}-self-test`);
      const enforce = await writesDuring(world, () =>
        dispatchLabeled(world, HOST, 1, "phase-2", `${cid}-enforce`),
      );

      expect([validate.code, selfTest.code, enforce.result.code]).toEqual([1, 1, 1]);
      for (const [run, engine] of [
        [validate, "validate"],
        [selfTest, "self-test"],
        [enforce.result, "enforce"],
      ] as const) {
        expect(run.report?.preflight.ok).toBe(true);
        const record = await engineRecord(run, engine);
        expect(record).toMatchObject({ ok: false, event: { action: "failure" } });
        expect(record.event.reason).not.toBe("");
        expect(errorsIn(record)).toContainEqual(expect.objectContaining(expected));
      }
      expect(enforce.writes).toEqual(["PUT /repos/{owner}/{repo}/contents/{path} 201 ×2"]);
      expect(await readIssue(world, HOST, 1)).toEqual({
        state: "open",
        labels: ["phase-1", "phase-2"],
        milestone: null,
      });
    });
  }

  it("enforces the same issue once the starter config is committed back", async () => {
    await commitConfig(world, HOST, starter, "Restore the starter config");

    const { result, writes } = await writesDuring(world, () =>
      dispatchLabeled(world, HOST, 1, "phase-2", "restored"),
    );

    expect(result.code).toBe(0);
    expect(writes).toEqual([
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name} 200 ×1",
      "PATCH /repos/{owner}/{repo}/issues/{issue_number} 200 ×1",
      "PUT /repos/{owner}/{repo}/contents/{path} 201 ×2",
    ]);
    expect(await readIssue(world, HOST, 1)).toEqual({
      state: "open",
      labels: ["phase-2"],
      milestone: "Phase 2 – Build",
    });
  });
});
