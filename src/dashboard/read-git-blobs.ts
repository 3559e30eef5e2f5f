import { spawn } from "node:child_process";
import { once } from "node:events";
import { ExternalError } from "../errors.js";
import type { GitRunOptions } from "./run-git.js";

/** A blob to read: its object id, and whatever the caller needs to recognise it again. */
export interface BlobRequest {
  oid: string;
}

/** One answer of `git cat-file --batch`: the blob's bytes, or `undefined` when git has no such blob. */
export interface BlobAnswer<T extends BlobRequest> {
  request: T;
  bytes: Buffer | undefined;
}

/**
 * Reads many blobs through one `git cat-file --batch` process, in request order. Requests are
 * written as the consumer pulls answers (pipe backpressure on both sides), so a listing of
 * hundreds of thousands of blobs never sits in memory; only requests written but not yet answered
 * are queued. Reads the object database, not a working tree: the checkout needs none.
 *
 * @example for await (const { request, bytes } of readGitBlobs(entries, { cwd, env })) …
 */
export async function* readGitBlobs<T extends BlobRequest>(
  requests: AsyncIterable<T> | Iterable<T>,
  options: GitRunOptions,
): AsyncGenerator<BlobAnswer<T>> {
  const child = spawn("git", ["cat-file", "--batch"], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const err: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const closed = new Promise<number>((resolve, reject) => {
    child.on("error", (error) =>
      reject(new ExternalError(`could not run git cat-file: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => resolve(code ?? 1));
  });
  closed.catch(() => {});
  child.stdin.on("error", () => {}); // EPIPE when git dies early; its exit code says why.

  const queue: (T | undefined)[] = [];
  let head = 0;
  let writing = true;
  const writer = (async () => {
    try {
      for await (const request of requests) {
        if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(request.oid)) {
          throw new ExternalError(`git listed an object id that is not one: ${JSON.stringify(request.oid)}`);
        }
        queue.push(request);
        if (!child.stdin.write(`${request.oid}\n`)) {
          await Promise.race([once(child.stdin, "drain"), closed.catch(() => 0)]);
          if (child.stdin.destroyed || child.exitCode !== null) break;
        }
      }
    } finally {
      writing = false;
      child.stdin.end();
    }
  })();
  writer.catch(() => {});

  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (;;) {
        const newline = pending.indexOf(10, start);
        if (newline === -1) break;
        const header = pending.toString("latin1", start, newline);
        const request = queue[head];
        if (request === undefined) throw new ExternalError(`git cat-file answered more than it was asked`);
        if (header.endsWith(" missing")) {
          start = newline + 1;
        } else {
          const size = Number(header.slice(header.lastIndexOf(" ") + 1));
          if (!Number.isSafeInteger(size))
            throw new ExternalError(`git cat-file said ${JSON.stringify(header)}`);
          if (pending.length < newline + 1 + size + 1) break;
          const type = header.split(" ")[1];
          const bytes = type === "blob" ? pending.subarray(newline + 1, newline + 1 + size) : undefined;
          start = newline + 1 + size + 1;
          queue[head] = undefined;
          head += 1;
          yield { request, bytes };
          continue;
        }
        queue[head] = undefined;
        head += 1;
        yield { request, bytes: undefined };
      }
      pending = pending.subarray(start);
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
    }
    await writer;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await closed;
  if (code !== 0 || writing || head !== queue.length) {
    const message = Buffer.concat(err).toString("utf8").trim().split("\n").slice(-2).join(" | ");
    throw new ExternalError(`git cat-file failed: ${message || `exit code ${code}`}`);
  }
}
