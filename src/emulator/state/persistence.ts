import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { EmulatorState } from "./emulator-state.js";
import type { StateSnapshot } from "./types.js";

const SNAPSHOT_FILE = "state.json";

/** Reads the snapshot under `stateDir`, or undefined when there is none yet. */
export async function loadSnapshot(stateDir: string): Promise<StateSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, SNAPSHOT_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const snapshot = JSON.parse(text) as StateSnapshot;
  if (snapshot.version !== 1)
    throw new Error(`unsupported local GitHub state version ${String(snapshot.version)}`);
  return snapshot;
}

/**
 * Keeps `state.json` under the state dir in step with the state: each change schedules a snapshot a
 * few milliseconds later (writes in a burst share one), written to a temporary file, synced and
 * renamed over the old one, so a crash leaves either the old or the new snapshot, never half of one.
 * The delay grows with the cost of the last snapshot, so a large state under a stream of writes
 * spends at most about a fifth of its time snapshotting.
 */
export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private lastWriteMs = 0;

  constructor(
    private readonly stateDir: string,
    private readonly state: EmulatorState,
    private readonly delayMs = 25,
  ) {
    state.onChange(() => this.schedule());
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush().catch(() => {
          // A failed write stays dirty; the next change or stop() tries again.
          this.dirty = true;
        });
      },
      Math.max(this.delayMs, this.lastWriteMs * 4),
    );
  }

  /** Writes the snapshot now if anything changed since the last one. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const previous = this.writing;
    const next = previous.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await this.write();
    });
    this.writing = next.catch(() => {});
    await next;
  }

  private async write(): Promise<void> {
    const started = performance.now();
    await mkdir(this.stateDir, { recursive: true });
    const file = join(this.stateDir, SNAPSHOT_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, "w", 0o600);
    try {
      await handle.writeFile(JSON.stringify(this.state.snapshot()));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    this.lastWriteMs = performance.now() - started;
  }
}
