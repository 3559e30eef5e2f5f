import { opendir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ExternalError } from "../errors.js";
import type { RecordEntry } from "./classify-record-file.js";
import {
  walkRecordTree,
  type RecordTreeSource,
  type TreeChild,
  type WalkOptions,
} from "./walk-record-tree.js";

/**
 * Iterates the records of a local checkout of a telemetry repository (`root` is the checkout's top
 * directory), streaming: directories are read one at a time and at most `readAhead` files are in
 * memory, so 200,000 records take no more memory than 200. Every file under
 * `telemetry/v1/repos/` is yielded: valid records, invalid record files and unexpected entries.
 * A checkout without `telemetry/v1/repos/` yields nothing.
 *
 * @example for await (const entry of readRecordsFromDir(checkout)) if (entry.kind === "record") count(entry.record);
 */
export function readRecordsFromDir(root: string, options: WalkOptions = {}): AsyncGenerator<RecordEntry> {
  return walkRecordTree(directorySource(root), options);
}

/** The tree of a directory on disk. Symbolic links are reported as "other", never followed. */
export function directorySource(root: string): RecordTreeSource {
  return {
    async list(path) {
      let dir;
      try {
        dir = await opendir(join(root, path));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return undefined;
        throw new ExternalError(`cannot read the directory ${join(root, path)}: ${code ?? String(error)}`, {
          cause: error,
        });
      }
      const children: TreeChild[] = [];
      for await (const entry of dir) {
        children.push({
          name: entry.name,
          type: entry.isDirectory() ? "dir" : entry.isFile() ? "file" : "other",
        });
      }
      return children;
    },
    async read(path) {
      try {
        return await readFile(join(root, path));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ExternalError(`cannot read ${join(root, path)}: ${code ?? String(error)}`, {
          cause: error,
        });
      }
    },
  };
}
