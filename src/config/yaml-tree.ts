import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Problem } from "../errors.js";

/** 1-based line and column in the source text. */
export interface Position {
  line: number;
  col: number;
}

export type ScalarValue = string | number | boolean | bigint | null;

/**
 * A YAML node with the position of its first character. The validator works on this tree rather
 * than on plain JS values so that every problem can point at `line:col`, and so that duplicate keys
 * (which a JS object would silently merge) stay visible.
 */
export type YamlNode = YamlMap | YamlSeq | YamlScalar;

export interface YamlMap {
  kind: "map";
  pos: Position;
  entries: YamlEntry[];
}

export interface YamlEntry {
  key: string;
  keyPos: Position;
  value: YamlNode;
}

export interface YamlSeq {
  kind: "seq";
  pos: Position;
  items: YamlNode[];
}

export interface YamlScalar {
  kind: "scalar";
  pos: Position;
  value: ScalarValue;
  /** The scalar exactly as written, to tell `000000` (a number to YAML) from `"000000"`. */
  source: string;
}

export type YamlTreeResult = { tree: YamlNode } | { problems: Problem[] };

const SYNTAX_HINT =
  "fix the YAML syntax at this position (indentation, quotes, brackets and `key: value` pairs)";

/**
 * Parses one YAML document into a positioned tree. Syntax errors come back as problems with
 * `line:col`; duplicate keys are kept (the validator reports them with both positions).
 *
 * @example parseYamlTree("a: 1\n", { file: "x.yml" }) // { tree: { kind: "map", entries: [...] } }
 */
export function parseYamlTree(text: string, options: { file?: string } = {}): YamlTreeResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): Position => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => ({
        path: "",
        message: `YAML syntax error: ${firstLine(error.message)}`,
        ...(options.file === undefined ? {} : { file: options.file }),
        ...at(error.pos[0]),
        hint: SYNTAX_HINT,
      })),
    };
  }
  const problems: Problem[] = [];
  const tree = convert(doc, doc.contents, at, problems, new Set(), options.file, { line: 1, col: 1 });
  return problems.length > 0 ? { problems } : { tree };
}

function convert(
  doc: Document,
  node: unknown,
  at: (offset: number) => Position,
  problems: Problem[],
  resolving: Set<Node>,
  file: string | undefined,
  fallback: Position,
): YamlNode {
  if (node === null || node === undefined) return { kind: "scalar", pos: fallback, value: null, source: "" };
  if (isAlias(node)) {
    const target = node.resolve(doc);
    const pos = node.range ? at(node.range[0]) : fallback;
    if (target === undefined || resolving.has(target)) {
      problems.push({
        path: "",
        message: `the alias *${node.source} does not refer to an anchor defined before it`,
        ...(file === undefined ? {} : { file }),
        ...pos,
        hint: "define the anchor (&name) before using it, or write the value out",
      });
      return { kind: "scalar", pos, value: null, source: "" };
    }
    resolving.add(target);
    const resolved = convert(doc, target, at, problems, resolving, file, pos);
    resolving.delete(target);
    return resolved;
  }
  const pos = (node as Node).range ? at((node as Node).range![0]) : fallback;
  if (isMap(node)) {
    const entries: YamlEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyPos = keyNode?.range ? at(keyNode.range[0]) : pos;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
        problems.push({
          path: "",
          message: "a mapping key must be a plain word, not a list, mapping or empty key",
          ...(file === undefined ? {} : { file }),
          ...keyPos,
          hint: "write keys as `name: value`",
        });
        continue;
      }
      entries.push({
        key: keyNode.source ?? "",
        keyPos,
        value: convert(doc, pair.value, at, problems, resolving, file, keyPos),
      });
    }
    return { kind: "map", pos, entries };
  }
  if (isSeq(node)) {
    return {
      kind: "seq",
      pos,
      items: node.items.map((item) => convert(doc, item, at, problems, resolving, file, pos)),
    };
  }
  if (isScalar(node)) {
    const value = node.value;
    const scalar: ScalarValue =
      value === null ||
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      typeof value === "bigint"
        ? value
        : (node.source ?? "");
    return { kind: "scalar", pos, value: scalar, source: node.source ?? String(value) };
  }
  return { kind: "scalar", pos, value: null, source: "" };
}

function firstLine(message: string): string {
  return message.split("\n")[0].trim();
}
