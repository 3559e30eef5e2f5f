import { spawn } from "node:child_process";
import { ExternalError } from "../errors.js";
import type { GitRunOptions } from "../dashboard/run-git.js";

/**
 * Reads blobs in the order asked with one `git cat-file --batch` process: ids are written as the
 * consumer pulls (pipe backpressure bounds memory), contents come back in the same order. A missing
 * object is an `ExternalError`.
 */
export async function* readBlobs(ids: Iterable<string>, options: GitRunOptions): AsyncGenerator<Buffer> {
  const child = spawn("git", ["cat-file", "--batch"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const err: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  child.stdin.on("error", () => {});
  const closed = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  const failed = new Promise<never>((_, reject) =>
    child.on("error", (error) =>
      reject(new ExternalError(`could not run git cat-file: ${error.message}`, { cause: error })),
    ),
  );
  failed.catch(() => {});
  let expected = 0;
  let writing = true;
  const writer = (async () => {
    for (const id of ids) {
      expected += 1;
      if (!child.stdin.write(`${id}\n`)) await new Promise((resolve) => child.stdin.once("drain", resolve));
      if (!writing) return;
    }
    child.stdin.end();
  })();
  writer.catch(() => {});

  let buffer: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      for (;;) {
        const newline = buffer.indexOf(0x0a);
        if (newline < 0) break;
        const header = buffer.subarray(0, newline).toString("utf8");
        const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
        if (match === null) {
          throw new ExternalError(`git cat-file: ${header}`, {
            hint: "the object is missing from the clone",
          });
        }
        const size = Number(match[3]);
        if (buffer.length < newline + 1 + size + 1) break;
        const content = Buffer.from(buffer.subarray(newline + 1, newline + 1 + size));
        buffer = buffer.subarray(newline + 1 + size + 1);
        yield content;
      }
    }
  } finally {
    writing = false;
    if (child.exitCode === null) child.kill();
  }
  await writer;
  const code = await Promise.race([closed, failed]);
  if (code !== 0 && expected > 0 && err.length > 0) {
    throw new ExternalError(`git cat-file failed: ${Buffer.concat(err).toString("utf8").trim()}`);
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
