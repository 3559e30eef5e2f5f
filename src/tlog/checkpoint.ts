import { HASH_SIZE } from "./merkle-hash.js";
import { NoteFormatError } from "./signed-note.js";

/**
 * The C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint): origin line, decimal tree size,
 * base64 root hash, then optional extension lines, each line ending in a newline. Parsing is strict:
 * anything else is a `NoteFormatError` naming the line. Pure.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  extensions: string[];
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (!isValidOrigin(checkpoint.origin))
    throw new NoteFormatError("origin", "the origin must be one non-empty line");
  if (checkpoint.root.length !== HASH_SIZE)
    throw new NoteFormatError("root", "the root hash must be 32 bytes");
  for (const line of checkpoint.extensions) {
    if (line === "" || /[\n\p{Cc}]/u.test(line))
      throw new NoteFormatError("extension", "an extension line must be a non-empty line");
  }
  return [
    checkpoint.origin,
    String(checkpoint.size),
    checkpoint.root.toString("base64"),
    ...checkpoint.extensions,
    "",
  ].join("\n");
}

export function parseCheckpoint(body: string): Checkpoint {
  if (!body.endsWith("\n")) throw new NoteFormatError("checkpoint", "a checkpoint body ends with a newline");
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3)
    throw new NoteFormatError("checkpoint", "a checkpoint has an origin, a size and a root hash line");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!isValidOrigin(origin)) throw new NoteFormatError("origin", "line 1 (origin) is empty");
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteFormatError(
      "size",
      `line 2 (tree size) ${JSON.stringify(sizeText)} is not a decimal number without leading zeros`,
    );
  }
  const root = Buffer.from(rootText, "base64");
  if (root.toString("base64") !== rootText || root.length !== HASH_SIZE) {
    throw new NoteFormatError("root", "line 3 (root hash) is not the base64 of 32 bytes");
  }
  extensions.forEach((line, i) => {
    if (line === "")
      throw new NoteFormatError("extension", `line ${i + 4} is empty; extension lines are non-empty`);
  });
  return { origin, size: Number(sizeText), root, extensions };
}

function isValidOrigin(origin: string): boolean {
  return origin.length > 0 && !/[\n\p{Cc}]/u.test(origin);
}
