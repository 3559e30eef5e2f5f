import { classifyRecordFile } from "../telemetry/classify-record-file.js";
import { parseRecordPath, RECORDS_ROOT } from "../telemetry/record-path.js";
import type { DashboardReducer } from "./create-reducer.js";
import { isPartialClone, prefetchBlobs } from "./prefetch-blobs.js";
import { readGitBlobs } from "./read-git-blobs.js";
import { gitItems, runGit } from "./run-git.js";
import type { Checkout } from "./telemetry-checkout.js";

const NOT_A_RECORD_PATH =
  "does not belong under telemetry/v1/repos/ (records are <owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine>.json)";

/** A file under `telemetry/v1/repos/` as git's tree holds it. */
export interface RecordFile {
  path: string;
  /** The blob (or, for a submodule, commit) id. */
  oid: string;
  /** Git's file mode: `100644`/`100755` for regular files, `120000` for a symbolic link, `160000` for a submodule. */
  mode: string;
}

/** Every file under `telemetry/v1/repos/` at the checkout's head, streamed from git's tree objects. */
export async function* listAllRecordFiles(checkout: Checkout): AsyncGenerator<RecordFile> {
  const items = gitItems(["ls-tree", "-r", "-z", checkout.head, "--", `${RECORDS_ROOT}/`], {
    cwd: checkout.dir,
    env: checkout.env,
  });
  for await (const item of items) {
    // "<mode> SP <type> SP <object> TAB <path>"
    const tab = item.indexOf("\t");
    const [mode, , oid] = item.slice(0, tab).split(" ");
    yield { path: item.slice(tab + 1), oid, mode };
  }
}

export type RecordChanges = { added: RecordFile[] } | { rewritten: string[] };

/**
 * What changed under `telemetry/v1/repos/` between two commits, from their trees alone (no file
 * content is needed, so a partial clone answers it without fetching). Records are append-only, so
 * only additions can be merged into stored state; any modified or deleted file (a prune, a repair)
 * is reported as `rewritten`, and the caller rebuilds from scratch.
 */
export async function recordChangesBetween(
  checkout: Checkout,
  from: string,
  to: string,
): Promise<RecordChanges> {
  const output = await runGit(
    ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", from, to, "--", `${RECORDS_ROOT}/`],
    { cwd: checkout.dir, env: checkout.env },
  );
  // ":<old mode> <new mode> <old id> <new id> <status>" NUL "<path>" NUL, per file.
  const items = output.stdout.split("\0");
  const added: RecordFile[] = [];
  const rewritten: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const [, mode, , oid, status] = items[i].split(" ");
    if (status === "A") added.push({ path: items[i + 1], oid, mode });
    else rewritten.push(items[i + 1]);
  }
  return rewritten.length > 0 ? { rewritten } : { added };
}

/**
 * Reads record files from git's object database (one `git cat-file --batch`), classifies each
 * (record or problems) and feeds the reducer. In a partial clone the blobs are first fetched in
 * one request; nothing else of the repository is needed. Returns how many files were read.
 */
export async function readRecordFiles(
  checkout: Checkout,
  files: () => AsyncIterable<RecordFile> | Iterable<RecordFile>,
  reducer: DashboardReducer,
): Promise<number> {
  const git = { cwd: checkout.dir, env: checkout.env };
  if (await isPartialClone(git)) await prefetchBlobs(blobIds(files()), git);
  let count = 0;
  const blobs = readGitBlobs(
    readable(files(), reducer, () => (count += 1)),
    git,
  );
  for await (const { request, bytes } of blobs) {
    if (bytes === undefined) {
      reducer.add(request.path, {
        problems: [{ path: "", message: `unreadable: git has no blob ${request.oid}` }],
      });
      continue;
    }
    const entry = classifyRecordFile(request.path, bytes);
    reducer.add(request.path, entry.kind === "record" ? entry.record : { problems: entry.problems });
  }
  return count;
}

const REGULAR_FILE = /^100(?:644|755)$/;

async function* blobIds(files: AsyncIterable<RecordFile> | Iterable<RecordFile>): AsyncGenerator<string> {
  for await (const file of files) {
    if (REGULAR_FILE.test(file.mode) && parseRecordPath(file.path) !== undefined) yield file.oid;
  }
}

/** The files worth reading; the others are counted and reported to the reducer on the way. */
async function* readable(
  files: AsyncIterable<RecordFile> | Iterable<RecordFile>,
  reducer: DashboardReducer,
  counted: () => void,
): AsyncGenerator<RecordFile> {
  for await (const file of files) {
    counted();
    if (parseRecordPath(file.path) === undefined) {
      reducer.add(file.path, { problems: [{ path: "", message: NOT_A_RECORD_PATH }] });
    } else if (!REGULAR_FILE.test(file.mode)) {
      reducer.add(file.path, {
        problems: [{ path: "", message: `is not a regular file (git mode ${file.mode})` }],
      });
    } else {
      yield file;
    }
  }
}
