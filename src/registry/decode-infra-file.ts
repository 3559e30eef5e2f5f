import { ValidationError, type Problem } from "../errors.js";

/**
 * The one rule for turning the bytes of an infra file (the registry, the changelog) into text,
 * applied by every reader: the store, `infra validate`, finalize and merge, preflight (file and
 * API) and the dashboard fanout. So a file means the same thing to all of them:
 *
 * - it must be UTF-8: the first invalid byte is refused at its `line:col`, never replaced;
 * - it must not start with a byte order mark: canonical files have none, and a reader that dropped
 *   it would accept bytes whose blob SHA differs from what the CLI writes.
 *
 * Pure: no I/O.
 */
export type DecodedInfraFile = { ok: true; text: string } | { ok: false; problem: Problem };

const FATAL = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** @example decodeInfraFile(Buffer.from("{}\n")) // { ok: true, text: "{}\n" } */
export function decodeInfraFile(bytes: Uint8Array, file?: string): DecodedInfraFile {
  const where = file === undefined ? {} : { file };
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return {
      ok: false,
      problem: {
        path: "",
        ...where,
        line: 1,
        col: 1,
        message: "the file starts with a byte order mark (U+FEFF); infra files are UTF-8 without one",
        hint: "save the file as UTF-8 without a BOM (UTF-8, not UTF-8 with signature)",
      },
    };
  }
  try {
    return { ok: true, text: FATAL.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8Byte(bytes);
    const before = FATAL.decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf("\n") + 1;
    let line = 1;
    for (let index = before.indexOf("\n"); index !== -1; index = before.indexOf("\n", index + 1)) line++;
    return {
      ok: false,
      problem: {
        path: "",
        ...where,
        line,
        col: before.length - lineStart + 1,
        message: `the file is not valid UTF-8: the byte sequence at byte offset ${offset} (0x${bytes[offset].toString(16).padStart(2, "0")}) is not a UTF-8 character`,
        hint: "save the file as UTF-8; bytes that are not UTF-8 are refused, never replaced",
      },
    };
  }
}

/** The decoded text, or a `ValidationError` (exit 2) naming the file position. */
export function decodeInfraFileOrThrow(bytes: Uint8Array, file: string): string {
  const decoded = decodeInfraFile(bytes, file);
  if (decoded.ok) return decoded.text;
  throw new ValidationError(`${file} cannot be read: ${decoded.problem.message}`, [decoded.problem], {
    hint: decoded.problem.hint,
  });
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    if (lead < 0x80) {
      index++;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return index;
    }
    index += length;
  }
  return index;
}
