import { register } from "node:module";

import type * as WorkflowParserModule from "@actions/workflow-parser";
import type * as ExpressionsModule from "@actions/expressions";

type WorkflowParser = typeof WorkflowParserModule;
type Expressions = typeof ExpressionsModule;

/** GitHub's workflow parser and expression engine, loaded so that plain `node` can run them. */
export interface ActionsToolkit {
  parser: WorkflowParser;
  expressions: Expressions;
}

/*
 * `@actions/workflow-parser` ships ESM that imports its JSON schemas without `with { type: "json" }`.
 * Bundlers and vitest accept that; plain `node` refuses it ("needs an import attribute of type
 * json"), so `dist/` could not load the parser. A resolve hook registered through Node's documented
 * `module.register` adds the attribute to exactly those imports: JSON files imported from inside the
 * parser's own `dist/`. Nothing else is touched, no build step is added, and the parser runs as
 * published. The hook is a data: URL so it needs no file next to the compiled code.
 */
const JSON_ATTRIBUTE_HOOK = `
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (
    resolved.url.endsWith(".json") &&
    typeof context.parentURL === "string" &&
    context.parentURL.includes("/@actions/workflow-parser/dist/")
  ) {
    return { ...resolved, format: "json", importAttributes: { ...context.importAttributes, type: "json" } };
  }
  return resolved;
}
`;

let loading: Promise<ActionsToolkit> | undefined;

/** Loads the parser and the expression engine once per process. */
export function loadActionsToolkit(): Promise<ActionsToolkit> {
  loading ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(JSON_ATTRIBUTE_HOOK)}`);
    const [parser, expressions] = await Promise.all([
      import("@actions/workflow-parser"),
      import("@actions/expressions"),
    ]);
    return { parser, expressions };
  })();
  return loading;
}
