import type { Problem } from "../errors.js";
import { classifyRecordFile, type RecordEntry } from "./classify-record-file.js";
import { isCalendarDate, isValidCorrelationId, isValidEngineName, RECORDS_ROOT } from "./record-path.js";

/** One child of a directory in a telemetry repository's tree. */
export interface TreeChild {
  name: string;
  type: "dir" | "file" | "other";
  /** The source's handle for the entry (a git object id through the API). */
  id?: string;
}

/** A telemetry repository's tree, from a checkout on disk or from the git data API. */
export interface RecordTreeSource {
  /** Children of the directory at `path` (repository-relative), or undefined when it does not exist. */
  list(path: string): Promise<TreeChild[] | undefined>;
  /** The bytes of the file at `path`, as listed in `child`. */
  read(path: string, child: TreeChild): Promise<Uint8Array | string>;
}

export interface WalkOptions {
  /** Only this monitored repository's records (`owner/repo`). */
  target?: { owner: string; repo: string };
  /** Only date directories on or after this UTC date (`YYYY-MM-DD`). */
  since?: string;
  /** Files read concurrently ahead of the consumer; bounds memory. Default 16. */
  readAhead?: number;
}

/**
 * Walks `telemetry/v1/repos/**` in a stable order (names sorted at each level) and yields every
 * file as a `RecordEntry`: records (checked), invalid record files, and anything unexpected — a
 * `.keep`, a stray file, a directory whose name breaks its level's rule (reported once, not
 * descended). Streaming: only one directory listing per level and `readAhead` file reads are held.
 */
export async function* walkRecordTree(
  source: RecordTreeSource,
  options: WalkOptions = {},
): AsyncGenerator<RecordEntry> {
  yield* readAheadInOrder(plannedEntries(source, options), options.readAhead ?? 16);
}

type Planned = { ready: RecordEntry } | { read: () => Promise<RecordEntry> };

async function* plannedEntries(source: RecordTreeSource, options: WalkOptions): AsyncGenerator<Planned> {
  const targetDir = options.target ? `${options.target.owner}-${options.target.repo}` : undefined;
  const repos = await source.list(RECORDS_ROOT);
  if (repos === undefined) return;
  for (const repoDir of sorted(repos)) {
    const repoPath = `${RECORDS_ROOT}/${repoDir.name}`;
    if (targetDir !== undefined) {
      if (repoDir.name === targetDir && repoDir.type === "dir") yield* repoEntries(source, repoPath, options);
      continue;
    }
    if (repoDir.type !== "dir" || !/^[A-Za-z0-9][A-Za-z0-9._-]*-[A-Za-z0-9._-]+$/.test(repoDir.name)) {
      yield unexpected(repoPath, repoDir, "is not an <owner>-<repo> directory");
      continue;
    }
    yield* repoEntries(source, repoPath, options);
  }
}

async function* repoEntries(
  source: RecordTreeSource,
  repoPath: string,
  options: WalkOptions,
): AsyncGenerator<Planned> {
  for (const dateDir of sorted((await source.list(repoPath)) ?? [])) {
    const datePath = `${repoPath}/${dateDir.name}`;
    if (dateDir.type !== "dir" || !isCalendarDate(dateDir.name)) {
      yield unexpected(datePath, dateDir, "is not a YYYY-MM-DD date directory");
      continue;
    }
    if (options.since !== undefined && dateDir.name < options.since) continue;
    for (const runDir of sorted((await source.list(datePath)) ?? [])) {
      const runPath = `${datePath}/${runDir.name}`;
      if (runDir.type !== "dir" || !isValidCorrelationId(runDir.name)) {
        yield unexpected(runPath, runDir, "is not a correlation id directory");
        continue;
      }
      for (const file of sorted((await source.list(runPath)) ?? [])) {
        const filePath = `${runPath}/${file.name}`;
        if (file.name === ".keep") {
          yield unexpected(filePath, file, "is a placeholder; record directories need none");
        } else if (
          file.type !== "file" ||
          !file.name.endsWith(".json") ||
          !isValidEngineName(file.name.slice(0, -5))
        ) {
          yield unexpected(filePath, file, "is not an <engine_name>.json record file");
        } else {
          yield { read: async () => classifyRecordFile(filePath, await source.read(filePath, file)) };
        }
      }
    }
  }
}

function unexpected(path: string, child: TreeChild, why: string): Planned {
  const shown = child.type === "dir" ? `${path}/` : path;
  const problem: Problem = {
    path: "",
    file: shown,
    message: `unexpected ${child.type === "dir" ? "directory" : child.type === "file" ? "file" : "entry"}: ${child.name} ${why}`,
    hint: "only emit-engine writes here: telemetry/v1/repos/<owner>-<repo>/<YYYY-MM-DD>/<correlation_id>/<engine_name>.json",
  };
  return { ready: { kind: "unexpected", path: shown, problems: [problem] } };
}

function sorted(children: TreeChild[]): TreeChild[] {
  return [...children].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Starts up to `window` reads ahead and yields results in walk order. */
async function* readAheadInOrder(
  planned: AsyncIterable<Planned>,
  window: number,
): AsyncGenerator<RecordEntry> {
  const pending: Array<Promise<RecordEntry>> = [];
  for await (const item of planned) {
    const next = "ready" in item ? Promise.resolve(item.ready) : item.read();
    // Keep a rejection from being reported as unhandled while it waits its turn.
    next.catch(() => {});
    pending.push(next);
    if (pending.length >= Math.max(1, window)) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
