import type { Problem } from "../errors.js";
import type { Position, YamlNode } from "./yaml-tree.js";

/**
 * The named rules of host config validation. Each problem belongs to one rule, and the validate
 * engine reports one check per rule, so a record says which rule failed as well as where.
 */
export type ConfigRule =
  | "config.limits"
  | "config.syntax"
  | "config.schema_version"
  | "config.structure"
  | "config.enums"
  | "config.colors"
  | "config.characters"
  | "config.duplicates"
  | "config.references"
  | "config.label_conflicts";

/** What each rule checks, in the order the validate engine reports them. */
export const CONFIG_RULES: Readonly<Record<ConfigRule, string>> = {
  "config.limits": "the file is within the size, value, alias and nesting limits",
  "config.syntax": "the file is one well-formed YAML document",
  "config.schema_version": "schema_version is one this build supports",
  "config.structure": "required keys present, no unknown keys, values of the right type",
  "config.enums": "exclusivity modes and strategies are known values",
  "config.colors": "label colours are six hex digits without '#'",
  "config.characters":
    "track ids, label names and milestone titles hold no invisible or bidirectional-control characters",
  "config.duplicates": "track ids, label names (case-insensitive), milestone titles are unique",
  "config.references": "phase_milestones and terminal states name declared labels and milestones",
  "config.label_conflicts": "a label declared as a track and under labels has one definition",
};

export interface ConfigProblem extends Problem {
  rule: ConfigRule;
}

/** Collects problems with their file and position; the validator never stops at the first. */
export class ProblemSink {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly file: string | undefined) {}

  add(rule: ConfigRule, path: string, pos: Position, message: string, hint: string): void {
    this.problems.push({
      rule,
      path,
      message,
      ...(this.file === undefined ? {} : { file: this.file }),
      line: pos.line,
      col: pos.col,
      hint,
    });
  }

  /** Problems ordered by position, so output reads top to bottom like the file. */
  sorted(): ConfigProblem[] {
    return this.problems
      .map((problem, index) => ({ problem, index }))
      .sort(
        (a, b) =>
          (a.problem.line ?? 0) - (b.problem.line ?? 0) ||
          (a.problem.col ?? 0) - (b.problem.col ?? 0) ||
          a.index - b.index,
      )
      .map(({ problem }) => problem);
  }
}

/** How a node reads to a person: "a list", "the number 0", "the text \"x\"". */
export function describeNode(node: YamlNode): string {
  if (node.kind === "map") return "a mapping";
  if (node.kind === "seq") return "a list";
  const { value, source } = node;
  if (value === null) return "an empty value";
  if (typeof value === "boolean") return `the boolean ${source || String(value)}`;
  if (typeof value === "number" || typeof value === "bigint") return `the number ${source || String(value)}`;
  return `the text ${JSON.stringify(value)}`;
}
