import { readGitBlobs } from "../dashboard/read-git-blobs.js";
import type { GitRunOptions } from "../dashboard/run-git.js";
import { ExternalError } from "../errors.js";

/**
 * The contents of these blobs, in the order asked, through one `git cat-file --batch` process
 * (`readGitBlobs`). A blob the clone lacks is an `ExternalError`: the log cannot be read without it.
 */
export async function* readBlobs(ids: Iterable<string>, options: GitRunOptions): AsyncGenerator<Buffer> {
  const requests = (function* () {
    for (const oid of ids) yield { oid };
  })();
  for await (const { request, bytes } of readGitBlobs(requests, options)) {
    if (bytes === undefined) {
      throw new ExternalError(`git cat-file: ${request.oid} missing`, {
        hint: "the object is missing from the clone",
      });
    }
    yield bytes;
  }
}

/** The blob id of every file under `prefix` in `commit`'s tree. */
export async function listTree(
  commit: string,
  prefix: string,
  options: GitRunOptions,
  items: (args: string[], options: GitRunOptions) => AsyncGenerator<string>,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const item of items(["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix], options)) {
    // "<mode> <type> <blob>\t<path>"
    const tab = item.indexOf("\t");
    const [, type, blob] = item.slice(0, tab).split(" ");
    if (type === "blob") files.set(item.slice(tab + 1), blob);
  }
  return files;
}
