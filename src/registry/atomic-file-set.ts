import { open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ExternalError, InternalError, PolicyError } from "../errors.js";
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
 * all as after. The journal also records each target's SHA before the write, so a journal that can
 * no longer be rolled forward (a staged file removed by hand) is rolled back when no target has
 * been replaced yet; only when it is neither does recovery stop, naming the commands to run.
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
  /** Git blob SHA of the target as it is now (null: absent), when the caller knows it; else it is read. */
  beforeSha?: string | null;
}

interface JournalFile {
  target: string;
  temp: string;
  sha: string;
  /** The target's SHA before the write (null: it did not exist); absent in journals of older builds. */
  before?: string | null;
}

interface Journal {
  version: 1;
  files: JournalFile[];
}

const TEMP_SUFFIX = ".txn-tmp";

/** The temp file the journal is written to before it is renamed into place. */
export function journalTempPath(journalPath: string): string {
  return `${journalPath}${TEMP_SUFFIX}`;
}

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
  const journal: Journal = { version: 1, files: [] };
  for (const file of files) {
    journal.files.push({
      target: file.path,
      temp: tempPathFor(file.path),
      sha: gitBlobSha(file.content),
      before: file.beforeSha !== undefined ? file.beforeSha : await shaOf(join(root, file.path)),
    });
  }
  let committed = false;
  try {
    for (const [index, file] of files.entries())
      await writeDurably(join(root, journal.files[index].temp), file.content);
    await hooks.at?.("temps-written");
    await writeDurably(journalTempPath(journalFile), `${JSON.stringify(journal)}\n`);
    await rename(journalTempPath(journalFile), journalFile);
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
    const recovered = await recoverAtomicWrite(root, journalPath).catch(() => undefined);
    const names = files.map((file) => file.path).join(" and ");
    const outcome =
      recovered === "completed"
        ? "the change was completed on recovery"
        : recovered === "rolled-back"
          ? "the change was undone on recovery; run the command again"
          : "the next infra command will complete or undo it";
    throw new ExternalError(`writing ${names} was interrupted; ${outcome}`, {
      cause: error,
      hint: "run `task-assistant infra validate` to check the result",
    });
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
  await rm(join(root, journalTempPath(journalPath)), { force: true });
  for (const temp of temps) await rm(join(root, temp), { force: true });
}

/** What recovery did: nothing to do, completed the write, discarded an uncommitted one, or undid one. */
export type RecoveryOutcome = "none" | "completed" | "discarded" | "rolled-back";

/**
 * Brings files left by an interrupted `writeFilesAtomically` to a consistent state: rolls a
 * committed write forward from its journal when every file is staged or installed, rolls it back
 * (discarding journal and temps) when it cannot be completed and no target has been replaced, and
 * discards the temps of an uncommitted one (`targets` are the files whose stray temps to remove).
 * Throws `PolicyError` naming the commands to run when neither is possible (files changed by hand
 * after the crash). Returns what it did.
 */
export async function recoverAtomicWrite(
  root: string,
  journalPath: string,
  targets: readonly string[] = [],
): Promise<RecoveryOutcome> {
  const journalFile = join(root, journalPath);
  let text: string | undefined;
  try {
    text = await readFile(journalFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (text === undefined) {
    const stray = [journalTempPath(journalPath), ...targets.map(tempPathFor)];
    let found = false;
    for (const path of stray) {
      if (await exists(join(root, path))) {
        found = true;
        await rm(join(root, path), { force: true });
      }
    }
    return found ? "discarded" : "none";
  }
  const journal = parseJournal(text);
  if (journal === undefined)
    throw unrecoverable(journalPath, targets, `${journalPath} cannot be read as a journal`);
  const states = await Promise.all(journal.files.map((file) => fileState(root, file)));
  if (states.every((state) => state.staged || state.installed)) {
    await applyJournal(root, journal, {});
    await rm(journalFile);
    await syncDirectory(dirname(journalFile));
    return "completed";
  }
  const replaced = states.filter((state) => state.installed && !state.untouched);
  if (replaced.length === 0) {
    for (const file of journal.files) await rm(join(root, file.temp), { force: true });
    await rm(journalFile);
    await syncDirectory(dirname(journalFile));
    return "rolled-back";
  }
  const missing = states.filter((state) => !state.staged && !state.installed);
  throw unrecoverable(
    journalPath,
    journal.files.map((file) => file.target),
    `the interrupted write cannot be completed or undone: ${replaced.map((state) => state.target).join(" and ")} ${replaced.length === 1 ? "was" : "were"} already replaced, but ${missing.map((state) => state.target).join(" and ")} ${missing.length === 1 ? "is" : "are"} neither staged nor in the written state (changed or removed since the crash)`,
  );
}

interface FileState {
  target: string;
  /** The temp holds the new content. */
  staged: boolean;
  /** The target holds the new content. */
  installed: boolean;
  /** The target holds its content from before the write (false when unknown). */
  untouched: boolean;
}

async function fileState(root: string, file: JournalFile): Promise<FileState> {
  const staged = (await shaOf(join(root, file.temp))) === file.sha;
  const current = await shaOf(join(root, file.target));
  return {
    target: file.target,
    staged,
    installed: current === file.sha,
    untouched: file.before !== undefined && current === file.before,
  };
}

function parseJournal(text: string): Journal | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const journal = value as Partial<Journal>;
  if (journal.version !== 1 || !Array.isArray(journal.files) || journal.files.length === 0) return undefined;
  const ok = journal.files.every(
    (file: Partial<JournalFile>) =>
      typeof file.target === "string" &&
      typeof file.temp === "string" &&
      file.temp === tempPathFor(file.target) &&
      !file.target.split("/").includes("..") &&
      typeof file.sha === "string" &&
      (file.before === undefined || file.before === null || typeof file.before === "string"),
  );
  return ok ? (journal as Journal) : undefined;
}

function unrecoverable(journalPath: string, targets: readonly string[], why: string): PolicyError {
  const files = targets.join(" ");
  const temps = [journalTempPath(journalPath), ...targets.map(tempPathFor)].join(" ");
  return new PolicyError(`${why}; no infra command can run until the checkout is repaired`, {
    hint: `restore the files from the last commit and drop the journal, from the checkout's root: \`git checkout HEAD -- ${files} && rm -f ${journalPath} ${temps}\`, then repeat any infra commands made since that commit (\`git diff HEAD -- ${files}\` shows what they changed before you restore)`,
  });
}

/** Git blob SHA of a file's bytes, or null when it does not exist. */
async function shaOf(file: string): Promise<string | null> {
  try {
    return gitBlobSha(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
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
