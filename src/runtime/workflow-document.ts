import { LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Problem } from "../errors.js";

/**
 * A parsed workflow file that can point at any of its nodes by `line:col`, so every workflow
 * problem names the exact place to fix. Pure: the text is passed in.
 */
export interface WorkflowDocument {
  readonly file: string;
  readonly doc: Document.Parsed;
  /** The plain JS value of the document (`undefined` when it has syntax errors). */
  readonly value: unknown;
  /** A problem located at the node at `path` (or at its nearest existing parent). */
  problem(path: readonly (string | number)[], message: string, hint?: string): Problem;
}

export type ParsedWorkflow = { ok: true; workflow: WorkflowDocument } | { ok: false; problems: Problem[] };

export function parseWorkflow(text: string, file: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: "", message: `YAML syntax: ${error.message.split("\n")[0]}`, file, line, col };
      }),
    };
  }
  const workflow: WorkflowDocument = {
    file,
    doc,
    value: doc.toJS() as unknown,
    problem(path, message, hint) {
      let node: unknown = undefined;
      for (let depth = path.length; depth >= 0 && node === undefined; depth -= 1) {
        node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      }
      const range = (node as Node | undefined)?.range;
      const position = range ? lineCounter.linePos(range[0]) : undefined;
      return {
        path:
          path.length === 0
            ? ""
            : `/${path.map((part) => String(part).replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`,
        message,
        file,
        ...(position === undefined ? {} : { line: position.line, col: position.col }),
        ...(hint === undefined ? {} : { hint }),
      };
    },
  };
  return { ok: true, workflow };
}

/** A map's entries as a plain object, or undefined when `value` is not a map. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
