import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate-config.js";

/**
 * Every config example in README.md (a ```yaml block that starts with the schema line or has
 * `schema_version:`) is a file `config validate` accepts, so a reader who copies one gets a
 * working configuration.
 */
const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
const examples = [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)]
  .map((match) => ({ text: match[1], line: readme.slice(0, match.index).split("\n").length + 1 }))
  .filter((example) => /^schema_version:/m.test(example.text));

const schema = JSON.parse(
  await readFile(new URL("../../schemas/task-assistant.config.v1.schema.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const checkSchema = new Ajv({ strict: true, allErrors: true }).compile(schema);

describe("README.md config examples", () => {
  it("has at least one", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)("validates the example at README.md:$line", ({ text, line }) => {
    const result = validateConfig(text, { file: `README.md (example at line ${line})` });
    expect("errors" in result ? result.errors : []).toEqual([]);
    checkSchema(parse(text) as unknown);
    expect(checkSchema.errors ?? []).toEqual([]);
  });
});
