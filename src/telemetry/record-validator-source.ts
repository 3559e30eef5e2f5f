import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import standaloneModule from "ajv/dist/standalone/index.js";
import { TELEMETRY_ENVELOPE_SCHEMA } from "./envelope-schema.js";

// Both are CommonJS; under NodeNext their default import is `module.exports`, whose `default` is the function.
const addFormats = addFormatsModule.default;
const standaloneCode = standaloneModule.default;

/** The generated module's path in the repository, and the command that writes it. */
export const RECORD_VALIDATORS_MODULE = "src/telemetry/record-validators.generated.ts";
export const RECORD_VALIDATORS_COMMAND = "npm run generate:validators";

/**
 * The source of `record-validators.generated.ts`: the envelope v1 schema and its `details` (an
 * engine result) compiled once, at development time, by ajv's standalone code generator, with the
 * options `checkRecord` has always used. Loading it costs a module import, where compiling the
 * schema costs every process tens of milliseconds (more than reading a thousand records).
 * Deterministic; a test keeps the committed module equal to it.
 */
export function recordValidatorSource(): string {
  const ajv = new Ajv({ allErrors: true, strict: true, code: { source: true, esm: true } });
  addFormats(ajv, ["date-time"]);
  ajv.addSchema(TELEMETRY_ENVELOPE_SCHEMA, "envelope");
  ajv.addSchema(TELEMETRY_ENVELOPE_SCHEMA.properties.details, "result");
  const code = standaloneCode(ajv, { envelope: "envelope", result: "result" });
  // ajv's runtime helpers (string length, the date-time format) are CommonJS modules its code
  // `require`s. They become static imports (a CommonJS module's default import is its
  // `module.exports`), so the release bundle (esbuild) carries them: a runtime `require` of a
  // package path would fail in the bundle, which has no node_modules beside it.
  const modules: string[] = [];
  const body = code.replace(/^"use strict";/, "").replace(/require\("([^"]+)"\)/g, (_, specifier: string) => {
    if (!modules.includes(specifier)) modules.push(specifier);
    return `ajvRuntime${modules.indexOf(specifier)}`;
  });
  return [
    "/* eslint-disable */",
    "// @ts-nocheck",
    `// Generated from envelope-schema.ts by \`${RECORD_VALIDATORS_COMMAND}\` (ajv standalone code). Do not edit.`,
    ...modules.map((specifier, index) => `import ajvRuntimeImport${index} from "${specifier}.js";`),
    // Node and esbuild give a CommonJS module's `module.exports` as its default import; vitest
    // unwraps `exports.default` when there is one. Either way, the module's exports again:
    'const cjsExports = (value) => (value !== null && typeof value === "object" && "__esModule" in value ? value : { default: value });',
    ...modules.map((_, index) => `const ajvRuntime${index} = cjsExports(ajvRuntimeImport${index});`),
    body,
    "",
  ].join("\n");
}
