/**
 * What a lock file of the infra store says about its holder, and whether it is stale. Pure: the
 * caller supplies the file's text, identity and age, and whether a pid is alive.
 */

/** The signature a holder writes into its lock (and takeover claim) files. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** Random, unique per lock file written: two files never carry the same token. */
  readonly token: string;
}

/** One lock file as read: who holds it (if it says) and what identifies this very file. */
export interface SeenLock {
  readonly holder: LockHolder | undefined;
  /** Legacy lock files (`PID\n`, written by older builds) name a pid but no token or host. */
  readonly legacyPid: number | undefined;
  /**
   * Names this file and no other: its token, or for a file without one its inode and mtime. Safe
   * in file names (letters, digits, `-`).
   */
  readonly identity: string;
  readonly ageMs: number;
}

export type LockJudgement = "held" | "stale";

const TOKEN = /^[0-9a-f]{16,64}$/;

/** The text a holder writes: one canonical JSON line. */
export function lockHolderText(holder: LockHolder): string {
  return `${JSON.stringify({ host: holder.host, pid: holder.pid, token: holder.token })}\n`;
}

/**
 * Reads a lock file's text and identity. `fileId` names the file when it carries no token (its
 * inode and mtime), so a stale legacy or empty lock can still be told apart from its successor.
 */
export function readLockText(text: string, fileId: string, ageMs: number): SeenLock {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    return { holder: undefined, legacyPid: Number(trimmed), identity: `legacy-${fileId}`, ageMs };
  }
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (
      typeof value.pid === "number" &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === "string" &&
      typeof value.token === "string" &&
      TOKEN.test(value.token)
    ) {
      return {
        holder: { pid: value.pid, host: value.host, token: value.token },
        legacyPid: undefined,
        identity: value.token,
        ageMs,
      };
    }
  } catch {
    // Not a signature: judged by age below.
  }
  return { holder: undefined, legacyPid: undefined, identity: `unsigned-${fileId}`, ageMs };
}

/**
 * Whether a lock is still held. A holder on another host is never judged (its pids mean nothing
 * here); a holder on this host is stale once its process is gone. A file that names no holder
 * (empty or garbled: an older build killed between creating the lock and signing it) is stale once
 * older than `unsignedStaleMs`, since no build takes that long to sign.
 */
export function judgeLock(
  seen: SeenLock,
  context: { host: string; isAlive: (pid: number) => boolean; unsignedStaleMs: number },
): LockJudgement {
  if (seen.holder !== undefined) {
    if (seen.holder.host !== context.host) return "held";
    return context.isAlive(seen.holder.pid) ? "held" : "stale";
  }
  if (seen.legacyPid !== undefined) return context.isAlive(seen.legacyPid) ? "held" : "stale";
  return seen.ageMs > context.unsignedStaleMs ? "stale" : "held";
}

/** "pid 123", "pid 123 on build-2", or a description of an unsigned lock, for messages. */
export function describeHolder(seen: SeenLock, host: string): string {
  if (seen.holder !== undefined)
    return seen.holder.host === host
      ? `pid ${seen.holder.pid}`
      : `pid ${seen.holder.pid} on ${seen.holder.host}`;
  if (seen.legacyPid !== undefined) return `pid ${seen.legacyPid}`;
  return "an unsigned lock";
}
