import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsPackage from "ajv-formats";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Problem } from "../../errors.js";
import { PACKAGE_ROOT } from "../../util/package-root.js";
import type { SeedDocument } from "./seed-types.js";

// ajv-formats is CommonJS: imported from ESM, the plugin is the package's `default` property.
const addFormats = addFormatsPackage.default;

let validator: ReturnType<Ajv["compile"]> | undefined;

function compiled() {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(join(PACKAGE_ROOT, "schemas", "emulator-seed.schema.json"), "utf8"),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

/** A seed given as a document or as YAML/JSON text (JSON is YAML). */
export type SeedInput = SeedDocument | string;

/** Finds the line and column of a JSON pointer in the seed's text (nothing for a seed given as an object). */
export type Locate = (pointer: string) => { line?: number; col?: number };

/**
 * Parses (when text) and validates a seed against `schemas/emulator-seed.schema.json`, returning every
 * problem with its JSON pointer and, for text, its line and column.
 */
export function validateSeed(
  input: SeedInput,
  file?: string,
):
  | { value: SeedDocument; locate: Locate; problems?: undefined }
  | { value?: undefined; locate?: undefined; problems: Problem[] } {
  let value: unknown = input;
  let locate: Locate = () => ({});
  if (typeof input === "string") {
    const lineCounter = new LineCounter();
    const doc = parseDocument(input, { lineCounter });
    if (doc.errors.length > 0) {
      return {
        problems: doc.errors.map((error) => {
          const pos = lineCounter.linePos(error.pos[0]);
          return { path: "", message: error.message.split("\n")[0], file, line: pos.line, col: pos.col };
        }),
      };
    }
    value = doc.toJS() as unknown;
    locate = (pointer) => {
      const node = nodeAt(doc.contents, pointer);
      if (!node?.range) return {};
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    };
  }
  const validate = compiled();
  if (validate(value)) return { value: value as SeedDocument, locate };
  const problems = (validate.errors ?? []).filter(relevant).map((error) => {
    // An unknown key is reported at the key itself, where the fix goes.
    const extra = (error.params as { additionalProperty?: string }).additionalProperty;
    const path =
      error.keyword === "additionalProperties" && extra !== undefined
        ? `${error.instancePath}/${extra.replace(/~/g, "~0").replace(/\//g, "~1")}`
        : error.instancePath;
    return { path, message: describe(error), ...(file ? { file } : {}), ...locate(path) };
  });
  return { problems: dedupe(problems) };
}

/** `oneOf` reports every branch's failure; the branch errors say more than the summary. */
function relevant(error: ErrorObject): boolean {
  return error.keyword !== "oneOf" && error.keyword !== "if";
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `unknown key "${String(params.additionalProperty)}"`;
    case "required":
      return `missing required key "${String(params.missingProperty)}"`;
    case "enum":
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return error.message ?? "is invalid";
  }
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The YAML node at a JSON pointer (or its nearest existing ancestor). */
function nodeAt(root: unknown, pointer: string): Node | undefined {
  let node = root as Node | undefined;
  const parts =
    pointer === ""
      ? []
      : pointer
          .slice(1)
          .split("/")
          .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const part of parts) {
    let child: unknown;
    if (isMap(node)) child = node.get(part, true);
    else if (isSeq(node)) child = node.get(Number(part), true);
    if (child === undefined || child === null || typeof child !== "object") return node;
    node = child as Node;
  }
  return node;
}
