import { describe, expect, it } from "vitest";
import { validateConfig } from "./validate-config.js";

const FILE = ".github/task-assistant.yml";

function config(version: string, exclusivity: string): string {
  return `schema_version: "${version}"
tracks: []
labels: []
milestones: []
enforcement:
  exclusivity:
${exclusivity}`;
}

function problems(text: string) {
  const result = validateConfig(text, { file: FILE });
  if (!("errors" in result)) throw new Error("expected errors, got a valid config");
  return result.errors.map((p) => `${p.file}:${p.line}:${p.col} ${p.path} ${p.message} | ${p.hint}`);
}

describe("enforcement.exclusivity in schema 1.1", () => {
  it("reads scoped, prefix groups with an order, and latest with a fallback", () => {
    const result = validateConfig(
      config(
        "1.1",
        `    phase: { mode: enforce, strategy: latest }
    scoped: { mode: enforce, strategy: latest, fallback: highest }
    groups:
      - { prefix: type/, mode: enforce, strategy: lowest, order: [type/bug, type/feature] }
      - { prefix: area-, mode: warn }
`,
      ),
      { file: FILE },
    );
    if (!("value" in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.value.schema_version).toBe("1.1");
    expect(result.value.enforcement?.exclusivity).toEqual({
      phase: { mode: "enforce", strategy: "latest" },
      scoped: { mode: "enforce", strategy: "latest", fallback: "highest" },
      groups: [
        { prefix: "type/", mode: "enforce", strategy: "lowest", order: ["type/bug", "type/feature"] },
        { prefix: "area-", mode: "warn", strategy: "highest" },
      ],
    });
  });

  it("refuses scoped, groups and latest in a 1.0 file, saying to write 1.1", () => {
    expect(
      problems(
        config(
          "1.0",
          `    phase: { mode: enforce, strategy: latest }
    scoped: { mode: enforce }
`,
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^\.github\/task-assistant\.yml:7:39 \/enforcement\/exclusivity\/phase\/strategy strategy latest \(for phase\) is new in schema 1\.1 \| .*schema_version: "1\.1"/,
      ),
      expect.stringMatching(
        /^\.github\/task-assistant\.yml:8:5 \/enforcement\/exclusivity\/scoped enforcement\.exclusivity\.scoped is new in schema 1\.1 \| .*schema_version: "1\.1"/,
      ),
    ]);
  });

  it("refuses a prefix inside another, naming both", () => {
    expect(
      problems(
        config(
          "1.1",
          `    groups:
      - { prefix: type/, mode: enforce }
      - { prefix: Type/bug-, mode: enforce }
`,
        ),
      ),
    ).toEqual([
      `${FILE}:9:19 /enforcement/exclusivity/groups/1/prefix the group prefix Type/bug- overlaps groups[0] (type/): a label could belong to both | make the prefixes disjoint (neither may start with the other), or remove one of the groups`,
    ]);
  });

  it("refuses a prefix overlapping a built-in group's, either way round", () => {
    const found = problems(
      config(
        "1.1",
        `    groups:
      - { prefix: phase-x, mode: enforce }
      - { prefix: pri, mode: enforce }
`,
      ),
    );
    expect(found).toEqual([
      expect.stringContaining(
        ":8:19 /enforcement/exclusivity/groups/0/prefix the group prefix phase-x overlaps the built-in phase group (phase-)",
      ),
      expect.stringContaining(
        ":9:19 /enforcement/exclusivity/groups/1/prefix the group prefix pri overlaps the built-in priority group (priority/)",
      ),
    ]);
  });

  it("refuses a prefix whose labels are scoped labels when scoped is on", () => {
    expect(
      problems(
        config(
          "1.1",
          `    scoped: { mode: enforce }
    groups: [{ prefix: "workflow::", mode: enforce }]
`,
        ),
      ),
    ).toEqual([
      expect.stringContaining(
        ":8:24 /enforcement/exclusivity/groups/0/prefix the group prefix workflow:: overlaps enforcement.exclusivity.scoped",
      ),
    ]);
  });

  it("refuses a fallback without strategy latest, and an order label outside the prefix", () => {
    expect(
      problems(
        config(
          "1.1",
          `    scoped: { mode: enforce, strategy: highest, fallback: lowest }
    groups: [{ prefix: type/, mode: enforce, order: [type/a, kind/b] }]
`,
        ),
      ),
    ).toEqual([
      expect.stringContaining(
        ":7:59 /enforcement/exclusivity/scoped/fallback fallback applies only to strategy latest",
      ),
      expect.stringContaining(
        ':8:62 /enforcement/exclusivity/groups/0/order/1 "kind/b" in order does not start with the group\'s prefix type/',
      ),
    ]);
  });

  it("still reads a 1.0 file with the meaning it had", () => {
    const result = validateConfig(
      config("1.0", "    phase: { mode: enforce }\n    priority: { mode: warn, strategy: lowest }\n"),
      { file: FILE },
    );
    if (!("value" in result)) throw new Error(JSON.stringify(result.errors));
    expect(result.value.enforcement?.exclusivity).toEqual({
      phase: { mode: "enforce", strategy: "highest" },
      priority: { mode: "warn", strategy: "lowest" },
    });
  });
});
