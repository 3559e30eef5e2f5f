import type { Expr } from "@actions/expressions/ast";
import {
  ContextAccess,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Binary,
  Unary,
} from "@actions/expressions/ast";
import { parseExpression } from "./evaluate-expression.js";

/** `needs.<job>.outputs.<name>` or `jobs.<job>.outputs.<name>` as written in an expression. */
export interface OutputReference {
  context: "needs" | "jobs";
  job: string;
  output: string;
}

function literalName(expr: Expr): string | undefined {
  if (expr instanceof Literal) return expr.literal.coerceString();
  if (expr instanceof ContextAccess) return expr.name.lexeme;
  return undefined;
}

/** The chain `a.b.c` / `a['b'].c` as names, when every part is a literal name. */
function accessChain(expr: Expr): string[] | undefined {
  if (expr instanceof ContextAccess) return [expr.name.lexeme];
  if (expr instanceof IndexAccess) {
    const head = accessChain(expr.expr);
    const name = literalName(expr.index);
    return head && name !== undefined ? [...head, name] : undefined;
  }
  return undefined;
}

function visit(expr: Expr, found: OutputReference[]): void {
  const chain = accessChain(expr);
  if (chain) {
    const [context, job, outputs, output] = chain;
    if ((context === "needs" || context === "jobs") && outputs === "outputs" && job && output) {
      found.push({ context, job, output });
    }
  }
  if (expr instanceof IndexAccess) {
    visit(expr.expr, found);
    visit(expr.index, found);
  } else if (expr instanceof FunctionCall || expr instanceof Logical) {
    for (const arg of expr.args) visit(arg, found);
  } else if (expr instanceof Binary) {
    visit(expr.left, found);
    visit(expr.right, found);
  } else if (expr instanceof Unary) {
    visit(expr.expr, found);
  } else if (expr instanceof Grouping) {
    visit(expr.group, found);
  }
}

/**
 * The job outputs an expression reads, found on its syntax tree (so strings that merely look like
 * `needs.x.outputs.y` are not counted). An expression that does not parse yields none: the parser
 * has already reported it.
 */
export function findOutputReferences(expression: string): OutputReference[] {
  let tree: Expr;
  try {
    tree = parseExpression(expression, [
      "github",
      "env",
      "vars",
      "secrets",
      "inputs",
      "needs",
      "jobs",
      "steps",
      "matrix",
      "strategy",
      "job",
      "runner",
    ]);
  } catch {
    return [];
  }
  const found: OutputReference[] = [];
  visit(tree, found);
  return found;
}
