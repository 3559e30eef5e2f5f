import { Evaluator, Lexer, Parser, data, type Expr } from "@actions/expressions";
import { TokenType } from "@actions/expressions/lexer";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import type { ActionsToolkit } from "./load-actions-toolkit.js";

/** The values an expression can see: `github`, `env`, `inputs`, `needs`, `steps`, `matrix`, ... */
export type ExpressionContexts = Readonly<Record<string, unknown>>;

/** What the status functions answer at the point of evaluation. */
export interface StatusFunctions {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

/** An expression that could not be parsed or evaluated; names the expression. */
export class ExpressionFailure extends Error {}

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function statusFunctions(status: StatusFunctions): Map<string, FunctionDefinition> {
  const constant = (name: string, answer: boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer) },
  ];
  // The Evaluator looks functions up by their lower-cased name.
  return new Map([
    constant("success", status.success),
    constant("failure", status.failure),
    constant("cancelled", status.cancelled),
    constant("always", true),
  ]);
}

/** Parses an expression (without `${{ }}`) with the runner's contexts and status functions. */
export function parseExpression(expression: string, contexts: readonly string[]): Expr {
  const { tokens } = new Lexer(expression).lex();
  // @actions/expressions 0.3.61 unescapes only the first '' of a string literal
  // (`value.replace("''", "'")`), so `format('a ''{0}'' b', x)`, which the parser makes of a
  // script with quotes around an expression, would keep a stray quote. Every '' is one quote.
  for (const token of tokens) {
    if (token.type === TokenType.STRING) token.value = token.lexeme.slice(1, -1).replaceAll("''", "'");
  }
  const functions = ["success", "failure", "cancelled", "always"].map((name) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
  }));
  return new Parser(tokens, [...contexts], functions).parse();
}

/** Evaluates one expression with `@actions/expressions`; the result as the expression data. */
export function evaluateExpressionData(
  expression: string,
  contexts: ExpressionContexts,
  status: StatusFunctions,
): data.ExpressionData {
  try {
    const tree = parseExpression(expression, Object.keys(contexts));
    const dictionary = new data.Dictionary(
      ...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })),
    );
    return new Evaluator(tree, dictionary, statusFunctions(status)).evaluate();
  } catch (error) {
    throw new ExpressionFailure(
      `cannot evaluate \${{ ${expression} }}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Evaluates an expression to plain JSON-like data. */
export function evaluateExpression(
  expression: string,
  contexts: ExpressionContexts,
  status: StatusFunctions,
): unknown {
  return fromData(evaluateExpressionData(expression, contexts, status));
}

/** Evaluates a condition (`if:`) as GitHub does: the result's truthiness. */
export function evaluateCondition(
  expression: string,
  contexts: ExpressionContexts,
  status: StatusFunctions,
): boolean {
  const result = evaluateExpressionData(expression, contexts, status);
  switch (result.kind) {
    case data.Kind.Boolean:
      return result.value;
    case data.Kind.Null:
      return false;
    case data.Kind.Number:
      return result.number() !== 0 && !Number.isNaN(result.number());
    case data.Kind.String:
      return result.coerceString() !== "";
    default:
      return true;
  }
}

/**
 * Turns a template token of a parsed workflow into a value, evaluating each `${{ }}` in it (the
 * parser has already turned `a ${{ x }} b` into `format('a {0} b', x)`).
 */
export function evaluateToken(
  toolkit: ActionsToolkit,
  token: TemplateToken,
  contexts: ExpressionContexts,
  status: StatusFunctions,
): unknown {
  const guards = toolkit.parser;
  if (guards.isBasicExpression(token)) return evaluateExpression(token.expression, contexts, status);
  if (guards.isMapping(token)) {
    const result: Record<string, unknown> = {};
    for (const { key, value } of token) {
      const name = guards.isBasicExpression(key)
        ? String(evaluateExpression(key.expression, contexts, status))
        : key.assertString("mapping key").value;
      result[name] = evaluateToken(toolkit, value, contexts, status);
    }
    return result;
  }
  if (guards.isSequence(token)) {
    const result: unknown[] = [];
    for (let index = 0; index < token.count; index += 1) {
      result.push(evaluateToken(toolkit, token.get(index), contexts, status));
    }
    return result;
  }
  if (guards.isString(token)) return token.value;
  if (guards.isNumber(token)) return token.value;
  if (guards.isBoolean(token)) return token.value;
  return null;
}

/** Evaluates a token where GitHub wants a string (`env`, `with`, `run`): values coerced as GitHub does. */
export function evaluateTokenToString(
  toolkit: ActionsToolkit,
  token: TemplateToken,
  contexts: ExpressionContexts,
  status: StatusFunctions,
): string {
  if (toolkit.parser.isBasicExpression(token)) {
    return evaluateExpressionData(token.expression, contexts, status).coerceString();
  }
  return scalarText(evaluateToken(toolkit, token, contexts, status));
}

/** A value as the text GitHub would put in its place: "" for null, JSON for objects and arrays. */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  // Numbers and booleans print as JSON prints them; objects and arrays as JSON.
  return JSON.stringify(value) ?? "";
}
