import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_URL } from "../../src/config/config-model.js";
import { validateConfig } from "../../src/config/validate-config.js";

/**
 * The published JSON Schema is what editors check the file with; `validateConfig` is what
 * Task Assistant checks it with. These tests keep the two from drifting apart: the schema never
 * rejects a config the validator accepts, and the validator never accepts one the schema rejects.
 * (The validator also applies cross-item rules a JSON Schema cannot express: uniqueness and
 * references.)
 */
const root = new URL("../../", import.meta.url);
const schema = JSON.parse(
  await readFile(new URL("schemas/task-assistant.config.v1.schema.json", root), "utf8"),
) as Record<string, unknown>;
const template = await readFile(new URL("templates/host/task-assistant.yml", root), "utf8");
const checkSchema = new Ajv({ strict: true, allErrors: true }).compile(schema);

const schemaAccepts = (text: string) => checkSchema(parse(text) as unknown);
const validatorAccepts = (text: string) => "value" in validateConfig(text);

describe("the config v1 JSON Schema", () => {
  it("is identified by the URL the template's yaml-language-server line points at", () => {
    expect(schema.$id).toBe(CONFIG_SCHEMA_URL);
    expect(template.split("\n")[0]).toBe(`# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`);
  });

  it("has a title and a description on every field", () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      for (const key of ["properties", "definitions"]) {
        const children = record[key] as Record<string, Record<string, unknown>> | undefined;
        for (const [name, child] of Object.entries(children ?? {})) {
          const childPath = `${path}/${key}/${name}`;
          const described = child.$ref !== undefined && Object.keys(child).length === 1;
          if (!described && (typeof child.title !== "string" || typeof child.description !== "string")) {
            missing.push(childPath);
          }
          visit(child, childPath);
        }
      }
      for (const key of ["items", "additionalProperties", "propertyNames"]) {
        if (typeof record[key] === "object") visit(record[key], `${path}/${key}`);
      }
    };
    visit(schema, "#");
    expect(missing).toEqual([]);
  });

  it("accepts the host template, which the validator accepts too", () => {
    expect(schemaAccepts(template)).toBe(true);
    expect(validatorAccepts(template)).toBe(true);
  });

  it.each([
    ["a missing required list", 'schema_version: "1.0"\nlabels: []\nmilestones: []\n'],
    ["an unknown top-level key", 'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\nx: 1\n'],
    [
      "enforcement: true",
      'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\nenforcement: true\n',
    ],
    [
      "a colour with #",
      'schema_version: "1.0"\ntracks: []\nlabels: [{name: a, color: "#000000"}]\nmilestones: []\n',
    ],
    [
      "an unknown mode",
      'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\nenforcement: {exclusivity: {phase: {mode: on}}}\n',
    ],
    [
      "terminal outside state",
      'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\nenforcement: {exclusivity: {track: {mode: off, terminal: []}}}\n',
    ],
    ["schema_version 2.0", 'schema_version: "2.0"\ntracks: []\nlabels: []\nmilestones: []\n'],
    [
      "a 51-character label name",
      `schema_version: "1.0"\ntracks: []\nlabels: [{name: ${"n".repeat(51)}, color: "000000"}]\nmilestones: []\n`,
    ],
  ])("and the validator both refuse %s", (_name, text) => {
    expect(schemaAccepts(text)).toBe(false);
    expect(validatorAccepts(text)).toBe(false);
  });

  it("agrees with the validator on generated configs, valid and broken", () => {
    // Valid configs, then at most one mutation each: about half stay valid, half break one rule.
    const name = fc.constantFrom("sprint", "phase-1", "phase-2", "priority/high", "state/done", "bug");
    const uniqueBy = <T>(arb: fc.Arbitrary<T>, key: (item: T) => string) =>
      fc.uniqueArray(arb, { selector: key, maxLength: 3 });
    const rule = fc.record({
      mode: fc.constantFrom("enforce", "warn", "fail", "off"),
      strategy: fc.constantFrom("highest", "lowest"),
    });
    const base = fc.record({
      schema_version: fc.constant("1.0"),
      tracks: uniqueBy(
        fc.record({
          id: name,
          label: name.map((n) => `track/${n}`),
          description: fc.string({ maxLength: 20 }),
        }),
        (t) => t.id,
      ).map((tracks) => tracks.filter((t, i) => tracks.findIndex((u) => u.label === t.label) === i)),
      labels: uniqueBy(
        fc.record({ name, color: fc.constantFrom("0E8A16", "c5def5", "FFFFFF") }),
        (l) => l.name,
      ),
      milestones: uniqueBy(
        fc.record({ title: fc.constantFrom("Phase 1", "Phase 2", "Later") }),
        (m) => m.title,
      ),
      enforcement: fc.record({ exclusivity: fc.record({ phase: rule, priority: rule }) }),
    });
    type Config = Record<string, unknown> & {
      labels: Record<string, unknown>[];
      enforcement: { exclusivity: Record<string, Record<string, unknown>> };
    };
    const mutations: ((config: Config) => void)[] = [
      () => {},
      (c) => delete c.tracks,
      (c) => (c.schema_version = "2.0"),
      (c) => (c.extra = true),
      (c) => (c.enforcement = true as never),
      (c) => (c.labels = [...c.labels, { name: "x", color: "#0E8A16" }]),
      (c) => (c.labels = [...c.labels, { name: "x", color: "fff" }]),
      (c) => (c.labels = [...c.labels, { name: "x" }]),
      (c) => (c.labels = [...c.labels, { name: "x", color: "000000", colour: "red" }]),
      (c) => (c.enforcement.exclusivity.phase.mode = "strict"),
      (c) => (c.enforcement.exclusivity.priority.strategy = "newest"),
      (c) => (c.enforcement.exclusivity.phase.terminal = []),
      (c) => (c.milestones = {} as never),
    ];
    const config = fc
      .tuple(base, fc.integer({ min: 0, max: mutations.length - 1 }), fc.boolean())
      .map(([value, index, mutate]) => {
        const copy = structuredClone(value) as Config;
        if (mutate) mutations[index](copy);
        return copy;
      });
    let agreedValid = 0;
    let agreedInvalid = 0;
    fc.assert(
      fc.property(config, (value) => {
        const yamlText = stringify(value);
        const validator = validatorAccepts(yamlText);
        expect(schemaAccepts(yamlText)).toBe(validator);
        if (validator) agreedValid += 1;
        else agreedInvalid += 1;
      }),
      { numRuns: 300, seed: 20261121 },
    );
    // Both sides of the property were exercised.
    expect(agreedValid).toBeGreaterThan(50);
    expect(agreedInvalid).toBeGreaterThan(50);
  });
});
