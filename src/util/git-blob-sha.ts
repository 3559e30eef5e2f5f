import { createHash } from "node:crypto";

/**
 * The git blob SHA-1 of some bytes: what `git hash-object` prints and what the GitHub contents API
 * reports as a file's `sha`. Recording it lets a run prove which registry bytes it resolved against.
 *
 * @example gitBlobSha("") === "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
 */
export function gitBlobSha(bytes: Uint8Array | string): string {
  const body = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  return createHash("sha1").update(`blob ${body.byteLength}\0`).update(body).digest("hex");
}
