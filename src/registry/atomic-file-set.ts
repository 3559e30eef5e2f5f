import { open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ExternalError, InternalError } from "../errors.js";
import { gitBlobSha } from "../util/git-blob-sha.js";

/**
 * Writes several files as one atomic step, surviving a crash at any point:
 *
 * 1. each new content goes to a temp file beside its target, flushed to disk;
 * 2. a journal naming every temp, target and content SHA is written (temp + rename): this is the
 *    commit point;
 * 3. each temp is renamed over its target; 4. the journal is removed.
 *
 * A crash before (2) leaves every target untouched (stray temps are discarded on recovery); a crash
 * after it is rolled forward on recovery from the journal. Either way all files are as before or
 * all as after.
 */

/** Points in the write where a test may pause or fail, in order. */
export type WritePoint = "temps-written" | "journal-written" | "first-renamed" | "all-renamed";

export interface AtomicWriteHooks {
  /** Called at each point; may throw (an injected failure) or never resolve (a process killed there). */
  at?(point: WritePoint): void | Promise<void>;
}

export interface FileWrite {
  /** Path relative to `root`. */
  path: string;
  content: string;
}

interface Journal {
  version: 1;
  files: { target: string; temp: string; sha: string }[];
}

const TEMP_SUFFIX = ".txn-tmp";

/** The temp file a target is staged in. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_SUFFIX}`);
}

async function writeDurably(file: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `files` under `root` atomically, using `journalPath` (relative to `root`) as the commit
 * record. Throws `ExternalError` if the write fails, saying which state the files were left in.
 */
export async function writeFilesAtomically(
  root: string,
  journalPath: string,
  files: readonly FileWrite[],
  hooks: AtomicWriteHooks = {},
): Promise<void> {
  const journalFile = join(root, journalPath);
  const journal: Journal = {
    version: 1,
    files: files.map((file) => ({
      target: file.path,
      temp: tempPathFor(file.path),
      sha: gitBlobSha(file.content),
    })),
  };
  let committed = false;
  try {
    for (const [index, file] of files.entries())
      await writeDurably(join(root, journal.files[index].temp), file.content);
    await hooks.at?.("temps-written");
    await writeDurably(`${journalFile}${TEMP_SUFFIX}`, `${JSON.stringify(journal)}\n`);
    await rename(`${journalFile}${TEMP_SUFFIX}`, journalFile);
    await syncDirectory(dirname(journalFile));
    committed = true;
    await hooks.at?.("journal-written");
    await applyJournal(root, journal, hooks);
    await rm(journalFile);
    await syncDirectory(dirname(journalFile));
  } catch (error) {
    if (!committed) {
      await discardTemps(
        root,
        journalPath,
        journal.files.map((file) => file.temp),
      );
      throw new ExternalError(
        `could not write ${files.map((file) => file.path).join(" and ")}; both were left as they were`,
        {
          cause: error,
          hint: "check the disk (space, permissions) and run the command again",
        },
      );
    }
    const recovered = await recoverAtomicWrite(root, journalPath).then(
      () => true,
      () => false,
    );
    throw new ExternalError(
      recovered
        ? `writing ${files.map((file) => file.path).join(" and ")} was interrupted; the change was completed on recovery`
        : `writing ${files.map((file) => file.path).join(" and ")} was interrupted; it will be completed by the next infra command`,
      { cause: error, hint: "run `task-assistant infra validate` to check the result" },
    );
  }
}

async function applyJournal(root: string, journal: Journal, hooks: AtomicWriteHooks): Promise<void> {
  for (const [index, file] of journal.files.entries()) {
    const temp = join(root, file.temp);
    const target = join(root, file.target);
    if (await exists(temp)) {
      const staged = await readFile(temp);
      if (gitBlobSha(staged) !== file.sha) {
        throw new InternalError(
          `the staged ${file.target} does not match its journal; refusing to install it`,
        );
      }
      await rename(temp, target);
      await syncDirectory(dirname(target));
    } else if (gitBlobSha(await readFile(target)) !== file.sha) {
      throw new InternalError(
        `${file.target} is neither staged nor installed; the interrupted change cannot be completed`,
      );
    }
    if (index === 0 && journal.files.length > 1) await hooks.at?.("first-renamed");
  }
  await hooks.at?.("all-renamed");
}

async function discardTemps(root: string, journalPath: string, temps: readonly string[]): Promise<void> {
  await rm(join(root, `${journalPath}${TEMP_SUFFIX}`), { force: true });
  for (const temp of temps) await rm(join(root, temp), { force: true });
}

/**
 * Brings files left by an interrupted `writeFilesAtomically` to a consistent state: rolls a
 * committed write forward from its journal, or discards the temps of an uncommitted one
 * (`targets` are the files whose stray temps to remove). Returns what it did.
 */
export async function recoverAtomicWrite(
  root: string,
  journalPath: string,
  targets: readonly string[] = [],
): Promise<"none" | "completed" | "discarded"> {
  const journalFile = join(root, journalPath);
  let text: string | undefined;
  try {
    text = await readFile(journalFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text === undefined) {
    const stray = [`${journalPath}${TEMP_SUFFIX}`, ...targets.map(tempPathFor)];
    let found = false;
    for (const path of stray) {
      if (await exists(join(root, path))) {
        found = true;
        await rm(join(root, path), { force: true });
      }
    }
    return found ? "discarded" : "none";
  }
  const journal = JSON.parse(text) as Journal;
  if (journal.version !== 1 || !Array.isArray(journal.files)) {
    throw new InternalError(`${journalPath} is not a journal this build understands`);
  }
  await applyJournal(root, journal, {});
  await rm(journalFile);
  await syncDirectory(dirname(journalFile));
  return "completed";
}

async function exists(file: string): Promise<boolean> {
  try {
    await (await open(file, "r")).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
