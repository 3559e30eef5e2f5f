import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  compareLeafPaths,
  formatLeafChunk,
  isBackdated,
  isLeafPath,
  leafChunkPath,
  leafChunkStart,
  parseLeafChunk,
  parseState,
  readExtensions,
  recordLeafHash,
  serializeState,
} from "./log-files.js";

const RECORD = "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/enforce.json";

describe("leaves", () => {
  it("binds the path: the same bytes at another path are another leaf", () => {
    const bytes = Buffer.from('{"ok":true}\n');
    const moved = RECORD.replace("9187-1", "9187-2");
    expect(recordLeafHash(RECORD, bytes).equals(recordLeafHash(moved, bytes))).toBe(false);
    // RFC 6962 leaf over path ‖ 0x00 ‖ bytes: SHA-256(0x00 ‖ "a" ‖ 0x00 ‖ "b").
    const expected = createHash("sha256")
      .update(Buffer.from([0x00, 0x61, 0x00, 0x62]))
      .digest();
    expect(recordLeafHash("a", Buffer.from("b"))).toEqual(expected);
  });

  it("takes only raw records as leaves, never derived files", () => {
    expect(isLeafPath(RECORD)).toBe(true);
    expect(isLeafPath("telemetry/v1/dashboards/index.json")).toBe(false);
    expect(isLeafPath("telemetry/v1/checkpoints/checkpoint")).toBe(false);
  });

  it("orders paths by their UTF-8 bytes, not by locale", () => {
    const paths = ["b", "B", "a-b", "a_b", "é"];
    expect([...paths].sort(compareLeafPaths)).toEqual(["B", "a-b", "a_b", "b", "é"]);
  });
});

describe("leaf index files", () => {
  it("round-trips and names its first leaf", () => {
    const entries = [{ hash: Buffer.alloc(32, 1), path: RECORD }];
    expect(parseLeafChunk(formatLeafChunk(entries), "f")).toEqual({ entries, problems: [] });
    expect(leafChunkStart(leafChunkPath(1234))).toBe(1234);
    expect(leafChunkStart("telemetry/v1/checkpoints/leaves/12.txt")).toBeUndefined();
  });

  it("reports every bad line with its file and line", () => {
    const text = `${"ab".repeat(32)} ${RECORD}\nnot a line\n${"ab".repeat(32)} README.md\n`;
    const { problems } = parseLeafChunk(text, "leaves/000000000000.txt");
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      ["leaves/000000000000.txt", 2],
      ["leaves/000000000000.txt", 3],
    ]);
  });
});

describe("the checkpointer's state", () => {
  it("round-trips", () => {
    const state = {
      version: 1 as const,
      origin: "o",
      size: 3,
      commit: "a".repeat(40),
      frontier: [Buffer.alloc(32, 2), Buffer.alloc(32, 3)],
    };
    expect(parseState(serializeState(state)).value).toEqual(state);
  });

  it("names every bad field", () => {
    const { problems } = parseState(
      JSON.stringify({ version: 2, origin: "", size: -1, commit: "abc", frontier: ["x"] }),
    );
    expect(problems.map((p) => p.path)).toEqual(["/version", "/origin", "/size", "/commit", "/frontier"]);
    expect(parseState("{").problems[0].message).toBe("is not JSON");
  });
});

describe("inserted into an old directory", () => {
  const signedAt = new Date("2026-11-21T00:10:00Z");
  it("is a record dated before the day before the latest checkpoint", () => {
    expect(isBackdated(RECORD.replace("2026-11-21", "2026-11-19"), signedAt)).toBe(true);
    // A run that crossed midnight writes under the day before: not flagged.
    expect(isBackdated(RECORD.replace("2026-11-21", "2026-11-20"), signedAt)).toBe(false);
    expect(isBackdated(RECORD, signedAt)).toBe(false);
    expect(isBackdated(RECORD.replace("2026-11-21", "2026-11-01"), undefined)).toBe(false);
  });

  it("reads the signing time and commit from the checkpoint's extension lines", () => {
    expect(readExtensions([`commit ${"b".repeat(40)}`, "time 2026-11-21T00:10:00.000Z", "other"])).toEqual({
      commit: "b".repeat(40),
      time: signedAt,
    });
  });
});
