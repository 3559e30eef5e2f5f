import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { PolicyError } from "../errors.js";
import { isProcessAlive } from "../util/process-alive.js";

/**
 * Runs `work` holding an exclusive lock file under `root`, so two infra commands in one checkout
 * never interleave their read-plan-write steps. A lock left by a process that no longer runs is
 * taken over.
 */
export async function withStoreLock<T>(root: string, lockPath: string, work: () => Promise<T>): Promise<T> {
  const lockFile = join(root, lockPath);
  await acquire(lockFile);
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}

async function acquire(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const content = await readFile(lockFile, "utf8").catch(() => undefined);
    if (content === undefined) continue;
    const holder = Number.parseInt(content, 10);
    // An empty lock is one another process has just created and not yet signed: it is held.
    if (!Number.isInteger(holder) || isProcessAlive(holder)) {
      throw new PolicyError(
        `another infra command${Number.isInteger(holder) ? ` (pid ${holder})` : ""} is changing the registry in this checkout`,
        { hint: `wait for it to finish and run the command again; if none is running, remove ${lockFile}` },
      );
    }
    await rm(lockFile, { force: true });
  }
  throw new PolicyError("could not lock the registry for this command", { hint: "run the command again" });
}
