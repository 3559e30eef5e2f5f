import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  visit,
  YAMLParseError,
  type Alias,
  type CST,
  type Document,
  type Node,
} from "yaml";
import { formatCount } from "../util/format-count.js";
import type { Problem } from "../errors.js";
import { checkLexicalBudget, checkNesting, type BudgetBreach } from "./check-yaml-budget.js";
import { DEFAULT_YAML_LIMITS, fileTooLargeProblem, utf8ByteLength, type YamlLimits } from "./yaml-limits.js";

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

/**
 * The tree, or the problems that stopped it: `syntax` for malformed YAML, `limits` for a file that
 * asks for more work than a config may (size, values, aliases, nesting; see {@link YamlLimits}).
 */
export type YamlTreeResult = { tree: YamlNode } | { problems: Problem[]; refused: "syntax" | "limits" };

const SYNTAX_HINT =
  "fix the YAML syntax at this position (indentation, quotes, brackets and `key: value` pairs)";

/**
 * Parses one YAML document into a positioned tree. Syntax errors come back as problems with
 * `line:col`; duplicate keys are kept (the validator reports them with both positions).
 *
 * The work is bounded before each costly step: the byte size before lexing, the number of values
 * and aliases (lexer only) before the parser builds its syntax tree, the nesting depth before that
 * tree is composed, and the values produced while aliases are expanded. A file over any limit gets
 * one problem naming the limit and where it was reached.
 *
 * @example parseYamlTree("a: 1\n", { file: "x.yml" }) // { tree: { kind: "map", entries: [...] } }
 */
export function parseYamlTree(
  text: string,
  options: { file?: string; limits?: Partial<YamlLimits> } = {},
): YamlTreeResult {
  const limits: YamlLimits = { ...DEFAULT_YAML_LIMITS, ...options.limits };
  const located = (pos: Position, message: string, hint: string): Problem => ({
    path: "",
    message,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...pos,
    hint,
  });
  const refuse = (breach: BudgetBreach, pos: Position) => ({
    problems: [located(pos, breach.message, breach.hint)],
    refused: "limits" as const,
  });

  const bytes = utf8ByteLength(text);
  if (bytes > limits.maxBytes) {
    return { problems: [fileTooLargeProblem(options.file, bytes, limits.maxBytes)], refused: "limits" };
  }
  const lexical = checkLexicalBudget(text, limits);
  if (lexical) return refuse(lexical, positionAt(text, lexical.offset));

  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const at = (offset: number): Position => lineCounter.linePos(offset);
  const nesting = checkNesting(tokens, limits);
  if (nesting) return refuse(nesting, at(nesting.offset));

  const doc = composeFirstDocument(tokens, text.length);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) =>
        located(at(error.pos[0]), `YAML syntax error: ${firstLine(error.message)}`, SYNTAX_HINT),
      ),
      refused: "syntax",
    };
  }
  const state: ConvertState = {
    doc,
    at,
    problems: [],
    file: options.file,
    targets: aliasTargets(doc),
    resolving: new Set(),
    values: 0,
    limits,
    expanding: [],
  };
  try {
    const tree = convert(state, doc.contents, { line: 1, col: 1 }, 1);
    return state.problems.length > 0 ? { problems: state.problems, refused: "syntax" } : { tree };
  } catch (error) {
    if (!(error instanceof ExpansionLimit)) throw error;
    return refuse(error.breach, error.pos);
  }
}

/** What `parseDocument` does with the tokens, kept here so the tokens can be checked first. */
function composeFirstDocument(tokens: CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ uniqueKeys: false });
  let first: Document.Parsed | undefined;
  for (const doc of composer.compose(tokens, true, length)) {
    if (first === undefined) {
      first = doc;
      continue;
    }
    first.errors.push(
      new YAMLParseError(
        [doc.range[0], doc.range[1]],
        "MULTIPLE_DOCS",
        "Source contains multiple documents; a config is one document",
      ),
    );
    break;
  }
  return first!;
}

/**
 * The anchored node each alias refers to: the last node with that anchor before the alias, in
 * document order (YAML 1.2). Found in one walk; `Alias.resolve` walks the whole document for each
 * alias, which made 4,000 aliases take 18 s.
 */
function aliasTargets(doc: Document): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target !== undefined) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

interface ConvertState {
  doc: Document;
  at: (offset: number) => Position;
  problems: Problem[];
  file: string | undefined;
  targets: Map<Alias, Node>;
  /** Anchored nodes being expanded, to refuse an alias inside its own anchor. */
  resolving: Set<Node>;
  /** Values produced so far, counting every copy an alias makes. */
  values: number;
  limits: YamlLimits;
  /** Aliases being expanded, outermost first: the first is the one the file wrote at top level. */
  expanding: Array<{ alias: Alias; pos: Position }>;
}

/** Thrown out of the recursion when aliases expand past the budget; caught in parseYamlTree. */
class ExpansionLimit extends Error {
  constructor(
    readonly breach: BudgetBreach,
    readonly pos: Position,
  ) {
    super(breach.message);
  }
}

/**
 * Counts one value produced and checks `levels`, the lists and mappings it is in (itself included). Past a limit, the problem names the outermost
 * alias being expanded (the one written where the expansion happens), or the value itself.
 */
function count(state: ConvertState, pos: Position, levels: number): void {
  state.values += 1;
  const { maxValues, maxDepth } = state.limits;
  const tooMany = state.values > maxValues;
  if (!tooMany && levels <= maxDepth) return;
  const outer = state.expanding[0];
  const what = tooMany
    ? `past ${formatCount(maxValues)} YAML values`
    : `more than ${formatCount(maxDepth)} levels deep (too deeply nested)`;
  throw new ExpansionLimit(
    outer === undefined
      ? {
          offset: 0,
          message: tooMany
            ? `the file holds more than ${formatCount(maxValues)} YAML values; this one is over the limit`
            : `the YAML is too deeply nested: the value here is more than ${formatCount(maxDepth)} levels deep`,
          hint: "a config needs a few hundred values in at most four levels; keep only tracks, labels, milestones and enforcement in it",
        }
      : {
          offset: 0,
          message: `the alias *${outer.alias.source} expands the file ${what}; aliases may not multiply a small file into a huge one`,
          hint: "write the values out, or refer to anchors that do not themselves contain aliases",
        },
    outer?.pos ?? pos,
  );
}

function convert(state: ConvertState, node: unknown, fallback: Position, depth: number): YamlNode {
  const { at, file, problems } = state;
  if (node === null || node === undefined) {
    count(state, fallback, depth - 1);
    return { kind: "scalar", pos: fallback, value: null, source: "" };
  }
  if (isAlias(node)) {
    const target = state.targets.get(node);
    const pos = node.range ? at(node.range[0]) : fallback;
    if (target === undefined || state.resolving.has(target)) {
      count(state, pos, depth - 1);
      problems.push({
        path: "",
        message: `the alias *${node.source} does not refer to an anchor defined before it`,
        ...(file === undefined ? {} : { file }),
        ...pos,
        hint: "define the anchor (&name) before using it, or write the value out",
      });
      return { kind: "scalar", pos, value: null, source: "" };
    }
    state.resolving.add(target);
    state.expanding.push({ alias: node, pos });
    const resolved = convert(state, target, pos, depth);
    state.expanding.pop();
    state.resolving.delete(target);
    return resolved;
  }
  const pos = (node as Node).range ? at((node as Node).range![0]) : fallback;
  // `depth` counts this node as a level; only lists and mappings nest, so a scalar is not one.
  count(state, pos, isMap(node) || isSeq(node) ? depth : depth - 1);
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
        value: convert(state, pair.value, keyPos, depth + 1),
      });
    }
    return { kind: "map", pos, entries };
  }
  if (isSeq(node)) {
    return {
      kind: "seq",
      pos,
      items: node.items.map((item) => convert(state, item, pos, depth + 1)),
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

/** 1-based line and column of a character offset, counted the way `LineCounter` counts. */
function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function firstLine(message: string): string {
  return message.split("\n")[0].trim();
}
