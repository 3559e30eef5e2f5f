import { formatCount } from "../util/format-count.js";
import type { Problem } from "../errors.js";

/**
 * The work a YAML file may ask of the parser. Host configs are read from pull-request heads, so
 * anyone who can open a pull request writes this input: without bounds, 544 bytes of alias doubling
 * run for minutes and 636 bytes exhaust memory. A real config is a few kilobytes with a few hundred
 * values and at most four levels of nesting; the limits leave ample room above that.
 */
export interface YamlLimits {
  /** UTF-8 bytes of the file, checked before any parsing. */
  maxBytes: number;
  /** Values (scalars, aliases, lists, mappings) in the file, and again once aliases are expanded. */
  maxValues: number;
  /** Alias references (`*name`) in the file. */
  maxAliases: number;
  /** Lists and mappings nested inside each other. */
  maxDepth: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = Object.freeze({
  maxBytes: 256 * 1024,
  maxValues: 50_000,
  maxAliases: 1_000,
  maxDepth: 64,
});

/** The number of bytes `text` takes as UTF-8, without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** `262,144 bytes (256 KiB)`. */
export function describeBytes(bytes: number): string {
  const kib = bytes / 1024;
  return `${formatCount(bytes)} bytes${Number.isInteger(kib) && kib > 0 ? ` (${formatCount(kib)} KiB)` : ""}`;
}

/**
 * The problem for a file over the size limit, located at its start. `bytes` is the size when known;
 * a reader that stopped at the limit passes `undefined` and says "more than".
 *
 * @example fileTooLargeProblem(".github/task-assistant.yml", 3_145_728, DEFAULT_YAML_LIMITS.maxBytes)
 */
export function fileTooLargeProblem(
  file: string | undefined,
  bytes: number | undefined,
  maxBytes: number,
): Problem {
  const size = bytes === undefined ? "" : ` is ${describeBytes(bytes)},`;
  return {
    path: "",
    message: `the file${size} over the limit of ${describeBytes(maxBytes)} for a config file, and it was not parsed`,
    ...(file === undefined ? {} : { file }),
    line: 1,
    col: 1,
    hint: "keep only schema_version, tracks, labels, milestones and enforcement in it; a real config takes a few kilobytes",
  };
}
