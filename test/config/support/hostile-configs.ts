/**
 * Host configs written to exhaust the parser, as anyone who can open a pull request could write
 * them. Each is generated, so the corpus costs nothing to store; `bench/config-bombs.ts` measures
 * the time and memory each takes to refuse, and `test/config/config-bombs.test.ts` checks the
 * refusals through the real CLI.
 */
export interface HostileConfig {
  name: string;
  /** Text the refusal must contain (the limit it names). */
  expect: RegExp;
  text: () => string;
}

const HEAD = 'schema_version: "1.0"\ntracks: []\nmilestones: []\n';

/** Ten lists of ten aliases to the level below, nine levels deep: 10⁹ values once expanded. */
function billionLaughs(): string {
  const lines = [HEAD, 'labels:\n  - &l0 { name: lol, color: "0E8A16" }\nlaughs:\n'];
  for (let level = 1; level <= 9; level += 1) {
    lines.push(
      `  l${level}: &l${level} [${Array.from({ length: 10 }, () => `*l${level - 1}`).join(", ")}]\n`,
    );
  }
  lines.push("  all: *l9\n");
  return lines.join("");
}

/** Each level a list of two aliases to the one before: 2³⁰ values from about 600 bytes. */
function aliasDoubling(levels: number): string {
  const lines = [HEAD, "labels: []\nd:\n  a0: &a0 [x, x]\n"];
  for (let level = 1; level <= levels; level += 1) {
    lines.push(`  a${level}: &a${level} [*a${level - 1}, *a${level - 1}]\n`);
  }
  return lines.join("");
}

function manyAliases(count: number): string {
  return `${HEAD}anchor: &label { name: phase-1, color: "0E8A16" }\nlabels:\n${"  - *label\n".repeat(count)}`;
}

function longLine(bytes: number): string {
  return `${HEAD}labels: [{ name: phase-1, color: "0E8A16", description: ${"x".repeat(bytes)} }]\n`;
}

function manyLabels(count: number): string {
  const labels = Array.from(
    { length: count },
    (_, i) => `  - { name: label-${String(i).padStart(6, "0")}, color: "0E8A16" }\n`,
  );
  return `${HEAD}labels:\n${labels.join("")}`;
}

function deepNesting(levels: number): string {
  return `${HEAD}labels: []\ndeep: ${"[".repeat(levels)}${"]".repeat(levels)}\n`;
}

export const HOSTILE_CONFIGS: readonly HostileConfig[] = [
  {
    name: "billion laughs",
    expect: /alias \*l\d expands the file past 50,000 YAML values/,
    text: billionLaughs,
  },
  {
    name: "alias doubling, 30 levels",
    expect: /alias \*a\d+ expands the file past 50,000 YAML values/,
    text: () => aliasDoubling(30),
  },
  {
    name: "10,000 aliases",
    expect: /too many aliases: \*label is alias number 1,001/,
    text: () => manyAliases(10_000),
  },
  {
    name: "a 3 MB line",
    expect: /the file is 3,145,\d{3} bytes, over the limit of 262,144 bytes \(256 KiB\)/,
    text: () => longLine(3 * 1024 * 1024),
  },
  {
    name: "200,000 labels",
    expect: /the file is 8,\d{3},\d{3} bytes, over the limit of 262,144 bytes/,
    text: () => manyLabels(200_000),
  },
  {
    name: "a 50 MB string",
    expect: /the file is 52,\d{3},\d{3} bytes, over the limit of 262,144 bytes/,
    text: () => longLine(50 * 1024 * 1024),
  },
  { name: "10,000 levels of nesting", expect: /too deeply nested/, text: () => deepNesting(10_000) },
];
