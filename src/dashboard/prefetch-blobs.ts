import { spawn } from "node:child_process";
import { once } from "node:events";
import { ExternalError } from "../errors.js";
import { runGit, type GitRunOptions } from "./run-git.js";

/**
 * Is the checkout a partial clone (blobs fetched on demand from `origin`)? Then blobs must be
 * fetched before they are read: one by one on demand would cost one request per file.
 */
export async function isPartialClone(options: GitRunOptions): Promise<boolean> {
  const result = await runGit(["config", "--bool", "remote.origin.promisor"], { ...options, allowExit: [1] });
  return result.stdout.trim() === "true";
}

/**
 * Fetches the named blobs from `origin` in one request, the way git's own lazy fetch does (blob
 * ids as wants, no negotiation), but for all of them at once. Blobs already present are skipped
 * by git. Ids are streamed to git, so the list never sits in memory here. Returns how many ids
 * were sent.
 */
export async function prefetchBlobs(
  oids: AsyncIterable<string> | Iterable<string>,
  options: GitRunOptions,
): Promise<number> {
  const args = [
    "-c",
    "fetch.negotiationAlgorithm=noop",
    "fetch",
    "--quiet",
    "--no-tags",
    "--no-write-fetch-head",
    "--recurse-submodules=no",
    "--filter=blob:none",
    "--stdin",
    "origin",
  ];
  // Nothing is spawned for an empty list: `fetch --stdin` without ids would fetch every branch.
  const iterator: AsyncIterator<string> | Iterator<string> =
    Symbol.asyncIterator in oids ? oids[Symbol.asyncIterator]() : oids[Symbol.iterator]();
  let next = await iterator.next();
  if (next.done === true) return 0;
  const child = spawn("git", args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "ignore", "pipe"] });
  const err: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  child.stdin.on("error", () => {}); // EPIPE when git dies early; its exit code says why.
  const closed = new Promise<number>((resolve, reject) => {
    child.on("error", (error) =>
      reject(new ExternalError(`could not run git fetch: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => resolve(code ?? 1));
  });
  closed.catch(() => {});
  let sent = 0;
  try {
    for (; next.done !== true; next = await iterator.next()) {
      sent += 1;
      if (!child.stdin.write(`${next.value}\n`)) {
        await Promise.race([once(child.stdin, "drain"), closed.catch(() => 0)]);
        if (child.stdin.destroyed || child.exitCode !== null) break;
      }
    }
  } finally {
    child.stdin.end();
  }
  const code = await closed;
  if (code !== 0) {
    const message = Buffer.concat(err)
      .toString("utf8")
      .replace(/(Basic|Bearer|token) [A-Za-z0-9+/=_.-]+/g, "$1 ***")
      .trim()
      .split("\n")
      .slice(-2)
      .join(" | ");
    throw new ExternalError(`git fetch of ${sent} record file(s) failed: ${message || `exit code ${code}`}`, {
      hint: "check that the telemetry repository's server allows partial clones (uploadpack.allowFilter)",
    });
  }
  return sent;
}
