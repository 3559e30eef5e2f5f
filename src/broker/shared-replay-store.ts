import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { refuse, RefusalError } from "./refusal.js";
import { ReplayGuard, type ReplayStore } from "./replay-guard.js";

/** An entry is kept this long past its token's expiry (plus skew), for clocks that differ between hosts. */
const CLOCK_MARGIN_SECONDS = 60;
/** An entry whose expiry cannot be read (a write cut short) is kept this long after it was created. */
const UNREADABLE_KEEP_SECONDS = 2 * 3600;
const SWEEP_EVERY_SECONDS = 30;

/**
 * A replay guard shared by broker instances through a directory on a filesystem they all mount
 * (local disk for instances on one host; a network filesystem with atomic exclusive create, such as
 * NFSv4, across hosts). Each `jti` is a file named by its SHA-256, created with O_CREAT|O_EXCL: the
 * first instance to create it exchanges the token, every other create fails with EEXIST, so a token
 * replayed to any instance is refused. The file holds the time (Unix seconds) after which it may be
 * removed: its token's expiry plus the skew and a margin. Each instance sweeps expired entries at most
 * every 30 s. An in-memory guard in front answers this instance's own repeats without the disk.
 */
export class SharedReplayStore implements ReplayStore {
  private readonly local: ReplayGuard;
  private nextSweep = 0;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly dir: string,
    private readonly skewSeconds: number,
  ) {
    this.local = new ReplayGuard(skewSeconds);
  }

  async replayed(jti: string, exp: number, nowSeconds: number): Promise<boolean> {
    if (this.local.replayed(jti, exp, nowSeconds)) return true;
    if (nowSeconds >= this.nextSweep) {
      this.nextSweep = nowSeconds + SWEEP_EVERY_SECONDS;
      // In the background: an exchange never waits for a sweep.
      void this.sweep(nowSeconds).catch(() => undefined);
    }
    const file = join(this.dir, createHash("sha256").update(jti).digest("hex"));
    let handle;
    try {
      handle = await open(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return true;
      throw unavailable(error);
    }
    try {
      await handle.writeFile(`${exp + this.skewSeconds + CLOCK_MARGIN_SECONDS}\n`);
    } catch (error) {
      // The jti is taken (the file exists); only its expiry is missing, and the sweep copes.
      throw unavailable(error);
    } finally {
      await handle.close().catch(() => undefined);
    }
    return false;
  }

  /** Removes the entries whose time has passed; answers how many. One sweep at a time. */
  sweep(nowSeconds: number): Promise<number> {
    this.sweeping ??= this.removeExpired(nowSeconds).finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async removeExpired(nowSeconds: number): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const file = join(this.dir, name);
      try {
        let until = Number((await readFile(file, "utf8")).trim());
        if (!Number.isInteger(until) || until <= 0)
          until = Math.floor((await stat(file)).mtimeMs / 1000) + UNREADABLE_KEEP_SECONDS;
        if (until < nowSeconds) {
          await unlink(file);
          removed += 1;
        }
      } catch {
        // Removed by another instance's sweep meanwhile, or unreadable: left for the next sweep.
      }
    }
    return removed;
  }
}

/**
 * Makes sure `dir` can hold a shared replay store: creates it if missing, then creates and removes a
 * probe file. Throws an Error that says what failed.
 */
export async function prepareReplayDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const probe = join(dir, `.probe-${process.pid}-${Date.now()}`);
  const handle = await open(probe, "wx", 0o600);
  await handle.close();
  await rm(probe, { force: true });
}

function unavailable(error: unknown): RefusalError {
  return new RefusalError(
    refuse(
      "replay_store_unavailable",
      `the shared replay store could not record the token's jti: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    ),
  );
}
