import { describe, expect, it } from "vitest";
import { parseYamlTree, type YamlNode } from "./yaml-tree.js";

const FILE = "config.yml";

function refusal(text: string, limits = {}) {
  const result = parseYamlTree(text, { file: FILE, limits });
  if (!("problems" in result)) throw new Error("expected a refusal");
  return result;
}

function doubling(levels: number): string {
  const lines = ["a0: &a0 [x, x]"];
  for (let level = 1; level <= levels; level += 1)
    lines.push(`a${level}: &a${level} [*a${level - 1}, *a${level - 1}]`);
  return `${lines.join("\n")}\n`;
}

describe("parseYamlTree limits", () => {
  it("refuses a file over the byte limit before parsing, counting UTF-8 bytes", () => {
    expect(refusal("a: ééé\n", { maxBytes: 8 })).toEqual({
      refused: "limits",
      problems: [
        expect.objectContaining({
          file: FILE,
          line: 1,
          col: 1,
          message: "the file is 10 bytes, over the limit of 8 bytes for a config file, and it was not parsed",
        }),
      ],
    });
    expect("tree" in parseYamlTree("a: ééé\n", { limits: { maxBytes: 10 } })).toBe(true);
  });

  it("names the first alias over the alias limit with its line:col", () => {
    const result = refusal("a: &x 1\nb: [*x, *x,\n  *x]\n", { maxAliases: 2 });
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 3,
        col: 3,
        message: "too many aliases: *x is alias number 3, and a config may use at most 2",
      }),
    ]);
  });

  it("names the outermost alias whose expansion goes past the value limit, at its line:col", () => {
    const result = refusal(doubling(30), { maxValues: 1_000 });
    // a6 holds 255 values and the lines before it 502: a7's second *a6 (line 8) passes 1,000.
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 8,
        col: 15,
        message:
          "the alias *a6 expands the file past 1,000 YAML values; aliases may not multiply a small file into a huge one",
      }),
    ]);
  });

  it("refuses alias doubling at 30 levels quickly with the default limits", () => {
    const result = refusal(doubling(30));
    expect(result.problems[0].message).toMatch(/^the alias \*a\d+ expands the file past 50,000 YAML values/);
  });

  it("counts values in the file before building the syntax tree", () => {
    const result = refusal(`list:\n${"- a\n".repeat(20)}`, { maxValues: 10 });
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 6,
        col: 3,
        message: expect.stringMatching(/more than 10 YAML values/),
      }),
    ]);
  });

  it.each([
    ["flow lists", `a: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`, { line: 1, col: 4 + 64 }],
    ["compact block lists", `a:\n${"- ".repeat(5_000)}x\n`, { line: 2, col: 1 + 2 * 63 }],
    [
      "indented mappings",
      Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}k:\n`).join(""),
      { line: 65, col: 65 },
    ],
  ])("reports %s nested too deeply as such, where the limit is passed", (_kind, text, pos) => {
    const result = refusal(text);
    expect(result.problems).toEqual([
      expect.objectContaining({
        ...pos,
        message: "the YAML is too deeply nested: the list or mapping here is more than 64 levels deep",
      }),
    ]);
    expect(result.problems[0].message).not.toMatch(/call stack/);
  });

  it("counts nesting that aliases build up as well", () => {
    const text = "a: &a [x]\nb: &b [*a]\nc: &c [*b]\nd: [*c]\n";
    expect(refusal(text, { maxDepth: 3 }).problems).toEqual([
      expect.objectContaining({
        // The root mapping is a level: c's list (2) holding *b's list (3) holding *a's list (4).
        line: 3,
        col: 8,
        message: expect.stringMatching(
          /^the alias \*b expands the file more than 3 levels deep \(too deeply nested\)/,
        ),
      }),
    ]);
  });
});

describe("parseYamlTree aliases", () => {
  it("resolves each alias to the last anchor of that name before it", () => {
    const result = parseYamlTree("a: &x one\nb: *x\nc: &x two\nd: *x\n");
    if (!("tree" in result) || result.tree.kind !== "map") throw new Error("expected a mapping");
    const values = result.tree.entries.map(
      (entry) => (entry.value as Extract<YamlNode, { kind: "scalar" }>).value,
    );
    expect(values).toEqual(["one", "one", "two", "two"]);
  });

  it("reports an alias inside its own anchor instead of recursing", () => {
    expect(refusalOrProblems("a: &x [1, *x]\n")).toEqual([
      expect.objectContaining({
        line: 1,
        col: 11,
        message: "the alias *x does not refer to an anchor defined before it",
      }),
    ]);
  });
});

function refusalOrProblems(text: string) {
  const result = parseYamlTree(text);
  return "problems" in result ? result.problems : [];
}
