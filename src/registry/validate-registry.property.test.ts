import { readFileSync } from "node:fs";
import fc from "fast-check";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { aRegistry, aRepo } from "../../test/infra/support/registry-builders.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { Problem } from "../errors.js";
import { readRegistry } from "./registry-snapshot.js";
import { checkChangelogLineValue } from "./validate-changelog.js";
import { validateRegistryText } from "./validate-registry.js";

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const schemaOf = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), "utf8")) as object;
const registrySchema = ajv.compile(schemaOf("telemetry-registry.v2.schema.json"));
const lineSchema = ajv.compile(schemaOf("infra-changelog-line.schema.json"));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A richer valid registry to mutate: two orgs, several repos. */
function seedRegistry(): Json {
  const registry = aRegistry();
  registry.orgs.beta = {
    telemetry_repo: "beta/task-assistant-telemetry",
    repos: { api: aRepo({ context: "production" }), "web.site": aRepo({ state: "disabled" }) },
  };
  return registry as unknown as Json;
}

/** Every path to an object member or array element in `value`. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value !== null && typeof value === "object") {
    return Object.keys(value).flatMap((key) => [[...prefix, key], ...pathsOf(value[key], [...prefix, key])]);
  }
  return [];
}

const interestingValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    "enabled",
    "disabled",
    "sandbox",
    "production",
    "",
    " ",
    "acme/x",
    "beta/t",
    "3.0",
    "2.0",
    "2026-13-01T00:00:00Z",
    {},
  ),
);
const interestingKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "state",
    "context",
    "process",
    "reason",
    "repos",
    "telemetry_repo",
    "ACME",
    "Widgets",
    "-x",
    "a.git",
    "__proto__",
  ),
);

type Mutation =
  | { kind: "delete"; pick: number }
  | { kind: "set"; pick: number; value: Json }
  | { kind: "add"; pick: number; key: string; value: Json }
  | { kind: "rename"; pick: number; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: interestingValue }),
  fc.record({
    kind: fc.constant("add" as const),
    pick: fc.nat(),
    key: interestingKey,
    value: interestingValue,
  }),
  fc.record({ kind: fc.constant("rename" as const), pick: fc.nat(), key: interestingKey }),
);

function mutate(document: Json, change: Mutation): Json {
  const copy = structuredClone(document);
  const paths = pathsOf(copy);
  if (paths.length === 0) return change.kind === "set" ? change.value : copy;
  const path = paths[change.pick % paths.length];
  const parent = path
    .slice(0, -1)
    .reduce<Json>((node, token) => (node as Record<string, Json>)[token], copy) as Record<string, Json>;
  const last = path[path.length - 1];
  if (change.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (change.kind === "set") {
    parent[last] = change.value;
  } else if (change.kind === "add") {
    const target = parent[last];
    if (target !== null && typeof target === "object" && !Array.isArray(target)) {
      Object.defineProperty(target, change.key, {
        value: change.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  } else if (!Array.isArray(parent)) {
    const value = parent[last];
    delete parent[last];
    Object.defineProperty(parent, change.key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

const serialised = (document: Json) =>
  fc.constantFrom(canonicalJson(document), JSON.stringify(document), JSON.stringify(document, null, "\t"));

const mutatedRegistryText = fc
  .array(mutation, { minLength: 1, maxLength: 4 })
  .map((changes) => changes.reduce(mutate, seedRegistry()))
  .chain((document) => serialised(document).map((text) => ({ document, text })));

function expectWellFormed(problems: readonly Problem[]): void {
  for (const problem of problems) {
    expect(problem.path === "" || problem.path.startsWith("/")).toBe(true);
    expect(problem.message.length).toBeGreaterThan(0);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.col).toBeGreaterThanOrEqual(1);
  }
}

function expectSoundVerdict(text: string): void {
  const result = validateRegistryText(text);
  if (result.valid) {
    expect(result.problems).toEqual([]);
  } else {
    expect(result.problems.length).toBeGreaterThan(0);
    expectWellFormed(result.problems);
  }
  const snapshot = readRegistry(text, { sha: "0".repeat(40) });
  for (const name of ["acme/widgets", "beta/api", "ACME/gadgets", "nobody/x"]) {
    const resolution = snapshot.resolve(name);
    expect(result.valid || ["REGISTRY_INVALID", "UNSUPPORTED_SCHEMA"].includes(resolution.outcome)).toBe(
      true,
    );
  }
}

describe("registry validation under arbitrary input", () => {
  it("never crashes on arbitrary JSON, and locates every problem", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => expectSoundVerdict(JSON.stringify(value, null, 2))),
      { numRuns: 300 },
    );
  });

  it("never crashes on arbitrary text, and locates every problem", () => {
    fc.assert(fc.property(fc.string(), expectSoundVerdict), { numRuns: 300 });
  });

  it("never crashes on randomly mutated valid registries, and locates every problem", () => {
    fc.assert(
      fc.property(mutatedRegistryText, ({ text }) => expectSoundVerdict(text)),
      { numRuns: 400 },
    );
  });

  it("never crashes on registries with damaged bytes", () => {
    const damaged = fc
      .tuple(
        fc.constant(canonicalJson(seedRegistry())),
        fc.nat(),
        fc.nat({ max: 5 }),
        fc.string({ maxLength: 3 }),
      )
      .map(([text, at, cut, insert]) => {
        const offset = at % text.length;
        return text.slice(0, offset) + insert + text.slice(offset + cut);
      });
    fc.assert(fc.property(damaged, expectSoundVerdict), { numRuns: 400 });
  });

  it("is at least as strict as the published JSON Schema, and accepts nothing the schema refuses", () => {
    fc.assert(
      fc.property(mutatedRegistryText, ({ text }) => {
        const ours = validateRegistryText(text).valid;
        const schema = registrySchema(JSON.parse(text));
        if (ours) expect(schema).toBe(true);
        if (!schema) expect(ours).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it("agrees with the published schema on valid registries", () => {
    expect(registrySchema(seedRegistry())).toBe(true);
    expect(validateRegistryText(canonicalJson(seedRegistry())).valid).toBe(true);
  });
});

describe("changelog line validation against its published schema", () => {
  const validLine: Json = {
    timestamp: "2026-12-01T00:00:00Z",
    action: "register",
    owner: "acme",
    repo: "widgets",
    context: "sandbox",
    telemetry_repo: "acme/telemetry",
    reason: "pilot",
    process: "infra-cli",
    schema_version: "2.0",
  };

  it("is at least as strict as the schema for mutated lines", () => {
    expect(lineSchema(validLine)).toBe(true);
    expect(checkChangelogLineValue(validLine)).toEqual([]);
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (changes) => {
        const line = changes.reduce(mutate, validLine);
        const ours = checkChangelogLineValue(line).length === 0;
        const schema = lineSchema(line);
        if (ours) expect(schema).toBe(true);
        if (!schema) expect(ours).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
