import { describeNode, type ConfigRule, type ProblemSink } from "./config-problems.js";
import { didYouMean } from "./did-you-mean.js";
import { findInvisibleCharacter, revealInvisible } from "./invisible-characters.js";
import { pointerJoin } from "./json-pointer.js";
import type { YamlEntry, YamlNode } from "./yaml-tree.js";

/**
 * Small typed readers over the positioned YAML tree. Each reads one value, reports what is wrong
 * with it to the sink (with its position and a fix), and returns the value or `undefined`.
 */

export interface MapShape {
  /** How the mapping is named in messages: "a track", "the enforcement section". */
  what: string;
  allowed: readonly string[];
  required?: readonly string[];
  /** How to write the mapping correctly, for the "must be a mapping" hint. */
  example: string;
  /** How to add each required key, for the "required key is missing" hint. */
  keyHints?: Readonly<Record<string, string>>;
}

/** The entries of a mapping by key (first occurrence), after checking duplicates, unknown and missing keys. */
export function readMap(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  shape: MapShape,
): Map<string, YamlEntry> | undefined {
  if (node.kind !== "map") {
    sink.add(
      "config.structure",
      pointer,
      node.pos,
      `${shape.what} must be a mapping, but it is ${describeNode(node)}`,
      `write it as ${shape.example}`,
    );
    return undefined;
  }
  const entries = new Map<string, YamlEntry>();
  for (const entry of node.entries) {
    const path = pointerJoin(pointer, entry.key);
    const first = entries.get(entry.key);
    if (first !== undefined) {
      sink.add(
        "config.structure",
        path,
        entry.keyPos,
        `the key "${entry.key}" appears twice in ${shape.what} (first at ${first.keyPos.line}:${first.keyPos.col})`,
        "keep one of the two; YAML would silently use the last one",
      );
      continue;
    }
    if (!shape.allowed.includes(entry.key)) {
      const guess = didYouMean(entry.key, shape.allowed);
      sink.add(
        "config.structure",
        path,
        entry.keyPos,
        `unknown key "${entry.key}" in ${shape.what}`,
        `${guess === undefined ? "remove it" : `did you mean "${guess}"?`}; allowed keys: ${shape.allowed.join(", ")}`,
      );
      continue;
    }
    entries.set(entry.key, entry);
  }
  for (const key of shape.required ?? []) {
    if (!node.entries.some((entry) => entry.key === key)) {
      sink.add(
        "config.structure",
        pointerJoin(pointer, key),
        node.pos,
        `required key "${key}" is missing from ${shape.what}`,
        shape.keyHints?.[key] ?? `add "${key}:" to ${shape.what}`,
      );
    }
  }
  return entries;
}

/** The items of a list, or a problem saying it must be one (`[]` for none). */
export function readList(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  what: string,
  example: string,
): YamlNode[] | undefined {
  if (node.kind === "seq") return node.items;
  sink.add(
    "config.structure",
    pointer,
    node.pos,
    `${what} must be a list, but it is ${describeNode(node)}`,
    `write it as a YAML list (${example}), or \`[]\` for none`,
  );
  return undefined;
}

export interface TextRules {
  what: string;
  maxLength?: number;
  /** Refuse leading or trailing whitespace (names GitHub would trim). */
  trimmed?: boolean;
  /** Refuse invisible and bidirectional-control characters (names that could pose as others). */
  visible?: boolean;
  rule?: ConfigRule;
}

/** A non-empty string; numbers and booleans YAML read from unquoted text get a "quote it" hint. */
export function readText(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  rules: TextRules,
): string | undefined {
  const rule = rules.rule ?? "config.structure";
  if (node.kind !== "scalar" || typeof node.value !== "string") {
    const quoted = node.kind === "scalar" && node.value !== null ? `; quote it: "${node.source}"` : "";
    sink.add(
      rule,
      pointer,
      node.pos,
      `${rules.what} must be text, but it is ${describeNode(node)}`,
      `write it as a string${quoted}`,
    );
    return undefined;
  }
  const value = node.value;
  if (value.trim() === "") {
    sink.add(rule, pointer, node.pos, `${rules.what} must not be empty`, "write a non-empty value");
    return undefined;
  }
  if (rules.trimmed && value.trim() !== value) {
    sink.add(
      rule,
      pointer,
      node.pos,
      `${rules.what} ${JSON.stringify(value)} has leading or trailing spaces`,
      `write ${JSON.stringify(value.trim())}`,
    );
    return undefined;
  }
  if (rules.maxLength !== undefined && [...value].length > rules.maxLength) {
    sink.add(
      rule,
      pointer,
      node.pos,
      `${rules.what} is ${[...value].length} characters long; GitHub allows at most ${rules.maxLength}`,
      `shorten it to ${rules.maxLength} characters or fewer`,
    );
    return undefined;
  }
  if (rules.visible) {
    const invisible = findInvisibleCharacter(value);
    if (invisible !== undefined) {
      sink.add(
        "config.characters",
        pointer,
        node.pos,
        `${rules.what} "${revealInvisible(value)}" holds ${invisible.description} at character ${invisible.position}; it looks like "${[...value].filter((c) => findInvisibleCharacter(c) === undefined).join("")}" but is a different name`,
        "delete the invisible character (retype the name), so that it cannot pose as another label or milestone",
      );
      return undefined;
    }
  }
  return value;
}

/** Free text: any string, empty included, within `maxLength`. */
export function readDescription(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  maxLength?: number,
): string | undefined {
  if (node.kind !== "scalar" || typeof node.value !== "string" || node.value.trim() !== "") {
    return readText(node, pointer, sink, {
      what: "description",
      ...(maxLength === undefined ? {} : { maxLength }),
    });
  }
  return node.value;
}

/** One of `values`, or a problem listing them (with a guess when it looks like a typo). */
export function readEnum<T extends string>(
  node: YamlNode,
  pointer: string,
  sink: ProblemSink,
  what: string,
  values: readonly T[],
): T | undefined {
  if (node.kind === "scalar" && typeof node.value === "string" && values.includes(node.value as T)) {
    return node.value as T;
  }
  const written = node.kind === "scalar" && node.value !== null ? node.source : describeNode(node);
  const guess = didYouMean(String(written), values);
  sink.add(
    "config.enums",
    pointer,
    node.pos,
    `${what} must be one of ${values.join(", ")}, but it is ${describeNode(node)}`,
    guess === undefined ? `use one of: ${values.join(", ")}` : `did you mean "${guess}"?`,
  );
  return undefined;
}
