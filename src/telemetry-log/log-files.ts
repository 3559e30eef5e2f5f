import { createHash } from "node:crypto";
import type { Problem } from "../errors.js";
import { HASH_SIZE } from "../tlog/merkle-hash.js";
import { RECORDS_ROOT } from "../telemetry/record-path.js";

/**
 * The telemetry log's files and leaves (DESIGN §5.6, README "Auditing telemetry"). Pure.
 *
 * Leaves are the raw records, every file under `telemetry/v1/repos/`, appended in the order of the
 * default branch's first-parent history, oldest commit first; the files a commit adds (diffed
 * against its first parent, so a merge adds what it brings in) are appended in byte order of their
 * UTF-8 paths. A leaf's data is `path ‖ 0x00 ‖ record bytes`, so a record moved to another path is a
 * different leaf. Derived files (dashboards, these checkpoint files) are never leaves.
 */

export const CHECKPOINTS_ROOT = "telemetry/v1/checkpoints";
/** The latest signed checkpoint (C2SP signed note). */
export const CHECKPOINT_FILE = `${CHECKPOINTS_ROOT}/checkpoint`;
/** The checkpointer's state: frontier, size and the last telemetry commit read. Not signed; checked against the checkpoint. */
export const STATE_FILE = `${CHECKPOINTS_ROOT}/state.json`;
/** Append-only leaf index: one file per checkpoint, named by its first leaf's index. */
export const LEAVES_DIR = `${CHECKPOINTS_ROOT}/leaves`;

const LEAF_PREFIX = Buffer.from([0x00]);
const SEPARATOR = Buffer.from([0x00]);

/** Is `path` a raw record area path, i.e. a leaf of the log? */
export function isLeafPath(path: string): boolean {
  return path.startsWith(`${RECORDS_ROOT}/`);
}

/** RFC 6962 leaf hash of a record: SHA-256(0x00 ‖ path ‖ 0x00 ‖ bytes). */
export function recordLeafHash(path: string, bytes: Uint8Array): Buffer {
  return createHash("sha256")
    .update(LEAF_PREFIX)
    .update(path, "utf8")
    .update(SEPARATOR)
    .update(bytes)
    .digest();
}

/** Byte order of UTF-8 paths: the tie-break inside one commit. */
export function compareLeafPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The checkpoint origin a repository's log has unless the operator names another. */
export function defaultOrigin(owner: string, repo: string): string {
  return `task-assistant.telemetry/${owner}/${repo}`;
}

export function leafChunkPath(start: number): string {
  return `${LEAVES_DIR}/${String(start).padStart(12, "0")}.txt`;
}

/** The first leaf index of a chunk file name, or undefined when it is not one. */
export function leafChunkStart(path: string): number | undefined {
  const match = new RegExp(`^${LEAVES_DIR}/(\\d{12})\\.txt$`).exec(path);
  return match === null ? undefined : Number(match[1]);
}

export interface LeafEntry {
  hash: Buffer;
  path: string;
}

/** One line per leaf: `<hex leaf hash> <path>`. */
export function formatLeafChunk(entries: readonly LeafEntry[]): string {
  return entries.map((entry) => `${entry.hash.toString("hex")} ${entry.path}\n`).join("");
}

export function parseLeafChunk(text: string, file: string): { entries: LeafEntry[]; problems: Problem[] } {
  const entries: LeafEntry[] = [];
  const problems: Problem[] = [];
  const lines = text.split("\n");
  if (lines.pop() !== "")
    problems.push({ path: "", file, message: "the leaf index does not end with a newline" });
  lines.forEach((line, i) => {
    const match = /^([0-9a-f]{64}) (\S.*)$/.exec(line);
    if (match === null || !isLeafPath(match[2])) {
      problems.push({ path: "", file, line: i + 1, col: 1, message: "not `<64 hex digits> <record path>`" });
      return;
    }
    entries.push({ hash: Buffer.from(match[1], "hex"), path: match[2] });
  });
  return { entries, problems };
}

export interface LogState {
  version: 1;
  origin: string;
  size: number;
  /** The last telemetry commit whose records were read. */
  commit: string;
  /** Frontier hashes, base64, largest subtree first. */
  frontier: Buffer[];
}

export function serializeState(state: LogState): string {
  return `${JSON.stringify(
    {
      version: 1,
      origin: state.origin,
      size: state.size,
      commit: state.commit,
      frontier: state.frontier.map((hash) => hash.toString("base64")),
    },
    null,
    2,
  )}\n`;
}

export function parseState(text: string): { value?: LogState; problems: Problem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problems: [{ path: "", file: STATE_FILE, message: "is not JSON" }] };
  }
  const problems: Problem[] = [];
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  if (record.version !== 1)
    problems.push({ path: "/version", file: STATE_FILE, message: "version must be 1" });
  if (typeof record.origin !== "string" || record.origin === "") {
    problems.push({ path: "/origin", file: STATE_FILE, message: "origin must be a non-empty string" });
  }
  if (!Number.isSafeInteger(record.size) || (record.size as number) < 0) {
    problems.push({ path: "/size", file: STATE_FILE, message: "size must be a non-negative integer" });
  }
  if (typeof record.commit !== "string" || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(record.commit)) {
    problems.push({ path: "/commit", file: STATE_FILE, message: "commit must be a full commit id" });
  }
  const frontier = Array.isArray(record.frontier) ? record.frontier : undefined;
  const hashes = (frontier ?? []).map((item) =>
    typeof item === "string" ? Buffer.from(item, "base64") : Buffer.alloc(0),
  );
  if (frontier === undefined || hashes.some((hash) => hash.length !== HASH_SIZE)) {
    problems.push({
      path: "/frontier",
      file: STATE_FILE,
      message: "frontier must be a list of base64 SHA-256 hashes",
    });
  }
  if (problems.length > 0) return { problems };
  return {
    value: {
      version: 1,
      origin: record.origin as string,
      size: record.size as number,
      commit: record.commit as string,
      frontier: hashes,
    },
    problems,
  };
}

/** The extension lines this project adds to a checkpoint: the telemetry commit read and the signing time. */
export function checkpointExtensions(commit: string, time: Date): string[] {
  return [`commit ${commit}`, `time ${time.toISOString()}`];
}

export function readExtensions(extensions: readonly string[]): { commit?: string; time?: Date } {
  const out: { commit?: string; time?: Date } = {};
  for (const line of extensions) {
    const commit = /^commit ([0-9a-f]{40}(?:[0-9a-f]{24})?)$/.exec(line);
    if (commit) out.commit = commit[1];
    const time = /^time (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(line);
    if (time && !Number.isNaN(Date.parse(time[1]))) out.time = new Date(time[1]);
  }
  return out;
}

/**
 * Is a record not yet in the log "inserted into an old directory"? Its date directory is earlier
 * than the day before the latest checkpoint was signed: emit-engine writes a run's records under
 * the run's date (the day before, for a run that crossed midnight), so no honest new record lands
 * there after that checkpoint. A record re-emitted much later by hand is flagged too, on purpose:
 * an auditor should see it.
 */
export function isBackdated(path: string, checkpointTime: Date | undefined): boolean {
  if (checkpointTime === undefined) return false;
  const date = /^telemetry\/v1\/repos\/[^/]+\/(\d{4}-\d{2}-\d{2})\//.exec(path)?.[1];
  if (date === undefined) return false;
  const dayBefore = new Date(checkpointTime.getTime() - 86_400_000).toISOString().slice(0, 10);
  return date < dayBefore;
}
