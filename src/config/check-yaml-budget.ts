import { CST, Lexer } from "yaml";
import { formatCount } from "../util/format-count.js";
import type { YamlLimits } from "./yaml-limits.js";

/** A limit that the source text breaks, at the character offset where it first does. */
export interface BudgetBreach {
  offset: number;
  message: string;
  hint: string;
}

/**
 * Counts values and aliases with the YAML lexer alone, which streams and keeps nothing, so that a
 * file is refused before the parser builds a syntax tree for it (that tree, not the lexing, is what
 * costs time and memory). Stops at the first value or alias over its limit.
 *
 * @example checkLexicalBudget("a: [*x, *x]\n", { ...DEFAULT_YAML_LIMITS, maxAliases: 1 }) // breach at offset 8
 */
export function checkLexicalBudget(text: string, limits: YamlLimits): BudgetBreach | undefined {
  let offset = 0;
  let values = 0;
  let aliases = 0;
  let flowDepth = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    const start = offset;
    if (token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR) offset += token.length;
    if (scalarNext) {
      // The source of a scalar: its first character says nothing about its kind.
      scalarNext = false;
      continue;
    }
    if (token === CST.SCALAR) scalarNext = true;
    const isAlias = token.startsWith("*");
    const isValue =
      token === CST.SCALAR || isAlias || token === "[" || token === "{" || token === "-" || token === "?";
    if (isValue && ++values > limits.maxValues) {
      return {
        offset: start,
        message: `the file holds more than ${formatCount(limits.maxValues)} YAML values; this one is over the limit`,
        hint: "a config needs a few hundred values: keep only tracks, labels, milestones and enforcement in it",
      };
    }
    if (token === "]" || token === "}") flowDepth -= 1;
    // Brackets nested past the limit are refused here already: the parser slows down with depth.
    if ((token === "[" || token === "{") && ++flowDepth > limits.maxDepth) return tooDeep(start, limits);
    if (isAlias && ++aliases > limits.maxAliases) {
      return {
        offset: start,
        message: `too many aliases: ${token} is alias number ${formatCount(aliases)}, and a config may use at most ${formatCount(limits.maxAliases)}`,
        hint: "write the values out instead of referring to anchors this often",
      };
    }
  }
  return undefined;
}

/**
 * Finds the first list or mapping nested deeper than `maxDepth` in the parser's syntax tree. The
 * walk keeps its own stack, so it cannot overflow the call stack the way composing such a tree
 * does ("Maximum call stack size exceeded" from the YAML library).
 */
export function checkNesting(tokens: readonly CST.Token[], limits: YamlLimits): BudgetBreach | undefined {
  // Pushed in reverse so that tokens come off the stack in document order: the breach reported is
  // the first one in the file.
  const stack: Array<{ token: CST.Token; depth: number }> = tokens
    .map((token) => ({ token, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type === "document") {
      if (token.value) stack.push({ token: token.value, depth });
      continue;
    }
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection")
      continue;
    if (depth + 1 > limits.maxDepth) return tooDeep(token.offset, limits);
    const items = token.items as CST.CollectionItem[];
    for (let i = items.length - 1; i >= 0; i -= 1) {
      const { key, value } = items[i];
      if (value) stack.push({ token: value, depth: depth + 1 });
      if (key) stack.push({ token: key, depth: depth + 1 });
    }
  }
  return undefined;
}

function tooDeep(offset: number, limits: YamlLimits): BudgetBreach {
  return {
    offset,
    message: `the YAML is too deeply nested: the list or mapping here is more than ${formatCount(limits.maxDepth)} levels deep`,
    hint: "a config nests at most four levels (enforcement → exclusivity → group → mode); flatten the structure",
  };
}
