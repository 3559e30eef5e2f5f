import { randomBytes } from "node:crypto";
import { link, open, readdir, rm, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PolicyError } from "../errors.js";
import { isProcessAlive } from "../util/process-alive.js";
import { describeHolder, judgeLock, lockHolderText, readLockText, type SeenLock } from "./lock-holder.js";

/**
 * The checkout's exclusive lock, so two infra commands never interleave their read-plan-write steps.
 *
 * - **Never empty, never half-written.** The holder writes its signature (pid, host, random token)
 *   to a temp file and hard-links it to the lock path: the lock appears complete or not at all.
 * - **Never stolen.** A lock whose holder is gone is removed only by the one process that wins its
 *   takeover claim, a file named after that lock's token (`LOCK.takeover-TOKEN`, created by the
 *   same link). The winner re-reads the lock and removes it only if it still carries that token,
 *   so a fresh lock taken meanwhile by a live process is never removed. A claim left by a taker
 *   that died is itself taken over the same way, by a claim named after the claim's token.
 * - **Waits.** A live holder is waited for, up to `waitMs`, then the command is refused.
 * - **Old locks.** `PID` locks of older builds are judged by their pid; an empty one (a build killed
 *   between creating and signing it) is stale after `unsignedStaleMs`.
 */

export interface StoreLockOptions {
  /** How long to wait for a live holder before refusing; default 30 s. */
  waitMs?: number;
  /** Age after which a lock naming no holder is stale; default 5 s. */
  unsignedStaleMs?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  isAlive?: (pid: number) => boolean;
}

const DEFAULT_WAIT_MS = 30_000;
const DEFAULT_UNSIGNED_STALE_MS = 5_000;
const MAX_CLAIM_DEPTH = 8;

interface LockContext {
  readonly lockFile: string;
  readonly host: string;
  readonly now: () => number;
  readonly isAlive: (pid: number) => boolean;
  readonly unsignedStaleMs: number;
}

/** True for the lock's own file and every temp or claim file it makes beside it. */
export function isLockArtifact(path: string, lockPath: string): boolean {
  return path === lockPath || path.startsWith(`${lockPath}.`);
}

/** Runs `work` holding the exclusive lock file `lockPath` under `root`. */
export async function withStoreLock<T>(
  root: string,
  lockPath: string,
  work: () => Promise<T>,
  options: StoreLockOptions = {},
): Promise<T> {
  const context: LockContext = {
    lockFile: join(root, lockPath),
    host: hostname(),
    now: options.now ?? Date.now,
    isAlive: options.isAlive ?? isProcessAlive,
    unsignedStaleMs: options.unsignedStaleMs ?? DEFAULT_UNSIGNED_STALE_MS,
  };
  const token = await acquire(context, options.waitMs ?? DEFAULT_WAIT_MS);
  try {
    await sweepLeftovers(context);
    return await work();
  } finally {
    const seen = await inspect(context, context.lockFile);
    if (seen?.identity === token) await rm(context.lockFile, { force: true });
  }
}

async function acquire(context: LockContext, waitMs: number): Promise<string> {
  const deadline = context.now() + waitMs;
  let delay = 5;
  for (;;) {
    const token = await linkSigned(context, context.lockFile);
    if (token !== undefined) return token;
    const seen = await inspect(context, context.lockFile);
    if (seen === undefined) continue;
    if (judge(context, seen) === "stale" && (await removeStale(context, context.lockFile, seen, 0))) continue;
    if (context.now() >= deadline) {
      throw new PolicyError(
        `another infra command (${describeHolder(seen, context.host)}) is changing the registry in this checkout`,
        {
          hint: `wait for it to finish and run the command again; if no infra command is running, remove ${context.lockFile}`,
        },
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}

function judge(context: LockContext, seen: SeenLock) {
  return judgeLock(seen, {
    host: context.host,
    isAlive: context.isAlive,
    unsignedStaleMs: context.unsignedStaleMs,
  });
}

/**
 * Creates `path` holding a fresh signature, atomically and only if it does not exist. Returns the
 * signature's token, or undefined when `path` exists.
 */
async function linkSigned(context: LockContext, path: string): Promise<string | undefined> {
  const token = randomBytes(16).toString("hex");
  const temp = `${context.lockFile}.${token}.tmp`;
  await writeFile(temp, lockHolderText({ pid: process.pid, host: context.host, token }), { flag: "wx" });
  try {
    await link(temp, path);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Reads a lock or claim file through one descriptor, so its text and identity belong together. */
async function inspect(context: LockContext, path: string): Promise<SeenLock | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    const text = await handle.readFile("utf8");
    return readLockText(text, `${stats.ino}-${Math.trunc(stats.mtimeMs)}`, context.now() - stats.mtimeMs);
  } finally {
    await handle.close();
  }
}

/**
 * Removes the stale file `target` (the lock or a claim) if it still is the one `seen`, under the
 * takeover claim for it. Returns whether it was removed; false when another process is taking it
 * over, or it changed meanwhile.
 */
async function removeStale(
  context: LockContext,
  target: string,
  seen: SeenLock,
  depth: number,
): Promise<boolean> {
  const claim = `${context.lockFile}.takeover-${seen.identity}`;
  const claimToken = await linkSigned(context, claim);
  if (claimToken === undefined) {
    const other = await inspect(context, claim);
    if (other !== undefined && depth < MAX_CLAIM_DEPTH && judge(context, other) === "stale") {
      await removeStale(context, claim, other, depth + 1);
    }
    return false;
  }
  try {
    // Only a holder of this claim removes `target`, so it cannot change between this read and the
    // unlink: its holder is gone and every other taker is waiting for the claim.
    const current = await inspect(context, target);
    if (current?.identity !== seen.identity) return false;
    await unlink(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    return true;
  } finally {
    const mine = await inspect(context, claim);
    if (mine?.identity === claimToken) await rm(claim, { force: true });
  }
}

/**
 * Removes temp and claim files left by processes that died (killed between writing a signature and
 * removing it). Runs under the lock; a file of a live process is left alone.
 */
async function sweepLeftovers(context: LockContext): Promise<void> {
  const directory = dirname(context.lockFile);
  const prefix = `${basename(context.lockFile)}.`;
  const names = (await readdir(directory)).filter((name) => name.startsWith(prefix));
  for (const name of names) {
    const path = join(directory, name);
    const seen = await inspect(context, path);
    if (seen !== undefined && judge(context, seen) === "stale") await rm(path, { force: true });
  }
}
