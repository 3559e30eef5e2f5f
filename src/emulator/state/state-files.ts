import { open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { ValidationError } from "../../errors.js";
import { replayJournal, type JournalRecord } from "./journal-record.js";
import type { StateSnapshot } from "./types.js";

export const SNAPSHOT_FILE = "state.json";
export const JOURNAL_FILE = "state.journal";

/** The journal's complete lines; `tornBytes` counts the bytes after the last one (a write cut short). */
export interface JournalContents {
  records: JournalRecord[];
  tornBytes: number;
}

/**
 * Parses journal text: one JSON record per line. Only the last line may be damaged (a crash in the
 * middle of an append); it is left out. A damaged line with good lines after it means the file was
 * altered, and is refused with its line number rather than silently losing what follows.
 */
export function parseJournal(text: string, file = JOURNAL_FILE): JournalContents {
  const lines = text.split("\n");
  const records: JournalRecord[] = [];
  let tornBytes = 0;
  let lastSeq = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    if (line === "") continue;
    let record: JournalRecord | undefined;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      record = undefined;
    }
    const valid = record !== undefined && typeof record.seq === "number" && record.seq > lastSeq;
    if (!valid) {
      const rest = lines.slice(index + 1).join("\n");
      if (rest.trim() === "") {
        tornBytes = Buffer.byteLength(lines.slice(index).join("\n"));
        break;
      }
      throw new ValidationError(
        `${file}:${index + 1}:1: damaged state journal line with more lines after it`,
        [
          {
            path: "",
            file,
            line: index + 1,
            col: 1,
            message:
              "the state journal is damaged in the middle; restore it, or move it away to start from state.json alone (losing the changes it holds)",
          },
        ],
      );
    }
    records.push(record as JournalRecord);
    lastSeq = (record as JournalRecord).seq;
  }
  return { records, tornBytes };
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** What is on disk under `stateDir`: the snapshot with the journal replayed onto it, or undefined. */
export async function loadState(stateDir: string): Promise<StateSnapshot | undefined> {
  // The journal first: a server compacting meanwhile renames the new snapshot in before it empties
  // the journal, so any snapshot read afterwards holds every line this journal text lacks.
  const journalText = await readIfPresent(join(stateDir, JOURNAL_FILE));
  const snapshotText = await readIfPresent(join(stateDir, SNAPSHOT_FILE));
  let snapshot: StateSnapshot | undefined;
  if (snapshotText !== undefined) {
    snapshot = JSON.parse(snapshotText) as StateSnapshot;
    if (snapshot.version !== 1)
      throw new Error(`unsupported local GitHub state version ${String(snapshot.version)}`);
  }
  const { records } = parseJournal(journalText ?? "", join(stateDir, JOURNAL_FILE));
  if (records.length === 0) return snapshot;
  if (!snapshot) {
    // Journal lines hold changes since a snapshot; without it they are not a state.
    throw new ValidationError(`${join(stateDir, JOURNAL_FILE)} has no ${SNAPSHOT_FILE} beside it`, [
      {
        path: "",
        file: join(stateDir, SNAPSHOT_FILE),
        message: `restore ${SNAPSHOT_FILE}, or remove ${JOURNAL_FILE} to start empty`,
      },
    ]);
  }
  return replayJournal(snapshot, records);
}

/**
 * Replaces `file` with `text` so that a crash leaves the old or the new content, never a mix, and
 * (with `sync`) the new content is on disk when this resolves: temporary file, fsync, rename, fsync
 * of the directory.
 */
export async function writeFileDurably(dir: string, name: string, text: string, sync = true): Promise<void> {
  const file = join(dir, name);
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(text);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  if (sync) await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
