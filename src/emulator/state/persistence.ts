import { mkdir, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { EmulatorState } from "./emulator-state.js";
import type { JournalRecord } from "./journal-record.js";
import { JOURNAL_FILE, SNAPSHOT_FILE, syncDirectory, writeFileDurably } from "./state-files.js";
import { StateShadow, type DirtyRepos } from "./state-shadow.js";
import type { StateSnapshot } from "./types.js";

export { loadState } from "./state-files.js";

export interface PersistenceOptions {
  /** Compact into the snapshot once the journal holds this many bytes, or more than the snapshot. */
  compactBytes?: number;
  /**
   * fsync each journal line and snapshot before acknowledging (default true). Without it a write is
   * still in the journal before its response, which survives the process being killed but not the
   * machine losing power.
   */
  sync?: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Makes the state durable under the state dir: `state.json` (a snapshot) and `state.journal` (every
 * change since, one fsynced line per group commit).
 *
 * `commit()` resolves once every change made before it was called is on disk: all commits waiting
 * when a batch starts share one diff (`StateShadow`), one append and one `fdatasync`, and batches run
 * one at a time, so concurrent writes share the cost of the sync. When the journal outgrows the
 * snapshot it is compacted: the whole state is written to a temporary file, fsynced and renamed over
 * `state.json` (which records the last journal line it holds), the directory is fsynced, and only
 * then is the journal emptied. A crash at any point leaves a snapshot and a journal whose replay
 * (`loadState`) gives every committed change.
 */
export class Persistence {
  private shadow: StateShadow | undefined;
  private dirty: DirtyRepos = new Set();
  private waiters: Waiter[] = [];
  private running = false;
  private scheduled = false;
  private compactRequested = false;
  private seq: number;
  private journal: FileHandle | undefined;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private readonly compactBytes: number;
  private readonly sync: boolean;

  constructor(
    private readonly stateDir: string,
    private readonly state: EmulatorState,
    loaded: StateSnapshot | undefined,
    options: PersistenceOptions = {},
  ) {
    this.seq = loaded?.journalSeq ?? 0;
    this.compactBytes = options.compactBytes ?? 1024 * 1024;
    this.sync = options.sync ?? true;
    state.onChange((repo) => {
      if (this.dirty !== "all") {
        if (repo) this.dirty.add(repo.id);
        else this.dirty = "all";
      }
      // Before the first snapshot (a start still loading or seeding) changes wait for it.
      if (this.shadow !== undefined) this.schedule();
    });
  }

  /** Resolves once every change made so far is durable; rejects if it could not be written. */
  commit(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Writes the whole state to the snapshot now and empties the journal. */
  compact(): Promise<void> {
    this.compactRequested = true;
    return this.commit();
  }

  /** Compacts one last time and closes the journal. */
  async close(): Promise<void> {
    await this.compact();
    await this.journal?.close();
    this.journal = undefined;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything that finishes in this turn of the event loop joins the same batch.
    setImmediate(() => void this.run());
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.scheduled = false;
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.shadow === undefined || this.compactRequested) await this.writeSnapshot();
      else await this.appendChanges();
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      // The disk may hold less than the shadow: the next batch writes a whole snapshot.
      this.shadow = undefined;
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.running = false;
      if (this.waiters.length > 0 || this.scheduled) {
        this.scheduled = false;
        this.schedule();
      }
    }
  }

  private async appendChanges(): Promise<void> {
    const dirty = this.dirty;
    this.dirty = new Set();
    const changes = (this.shadow as StateShadow).diff(this.state, dirty);
    if (!changes) return;
    this.seq += 1;
    const record: JournalRecord = { seq: this.seq, ...changes };
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    const journal = await this.openJournal();
    try {
      await journal.write(line);
      if (this.sync) await journal.datasync();
    } catch (error) {
      // Cut a partial line off, so later lines never follow a damaged one.
      await journal.truncate(this.journalBytes).catch(() => {});
      throw error;
    }
    this.journalBytes += line.length;
    if (this.journalBytes > Math.max(this.compactBytes, this.snapshotBytes)) {
      this.compactRequested = true;
      this.schedule();
    }
  }

  private async writeSnapshot(): Promise<void> {
    this.compactRequested = false;
    this.dirty = new Set();
    const text = JSON.stringify({ ...this.state.snapshot(), journalSeq: this.seq });
    // A private copy of exactly what was written: later diffs compare against it.
    const shadow = new StateShadow(JSON.parse(text) as StateSnapshot);
    await mkdir(this.stateDir, { recursive: true });
    await writeFileDurably(this.stateDir, SNAPSHOT_FILE, text, this.sync);
    const journal = await this.openJournal();
    await journal.truncate(0);
    if (this.sync) await journal.datasync();
    this.journalBytes = 0;
    this.snapshotBytes = text.length;
    this.shadow = shadow;
  }

  private async openJournal(): Promise<FileHandle> {
    if (!this.journal) {
      this.journal = await open(join(this.stateDir, JOURNAL_FILE), "a", 0o600);
      if (this.sync) await syncDirectory(this.stateDir);
      this.journalBytes = (await this.journal.stat()).size;
    }
    return this.journal;
  }
}
