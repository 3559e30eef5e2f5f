import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The suite runs with `isolate: false` (vitest.config.ts): files that share a worker share its
 * modules. That is sound only while no test file changes process-wide state that a later file
 * would inherit. This keeps it so.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const FORBIDDEN: Array<[RegExp, string]> = [
  [
    /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(/,
    "mocks or stubs shared modules or globals",
  ],
  [/\bprocess\.chdir\(/, "changes the working directory"],
  [/\bprocess\.env(\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])\s*=[^=]/, "assigns to process.env"],
  [/\bdelete\s+process\.env\b/, "deletes from process.env"],
  [/\bprocess\.exitCode\s*=[^=]/, "sets process.exitCode"],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("test files leave process-wide state alone (the suite shares modules between files)", () => {
  it("no test file mocks modules, stubs globals, or changes the environment or working directory", () => {
    const found: string[] = [];
    const files = [...testFiles(join(ROOT, "src")), ...testFiles(join(ROOT, "test"))];
    // This file holds the forbidden forms as samples; every other test file is read.
    for (const file of files.filter((path) => path !== import.meta.filename)) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, index) => {
          for (const [pattern, what] of FORBIDDEN) {
            if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${index + 1}: ${what}`);
          }
        });
    }
    expect(found).toEqual([]);
  });

  it("recognises each forbidden form (the check above can fail)", () => {
    const samples = [
      'vi.mock("../x.js")',
      "vi.stubGlobal('fetch', f)",
      "process.chdir(dir)",
      "process.env.GH_TOKEN = 'x'",
      'process.env["A"] = "b"',
      "delete process.env.A",
      "process.exitCode = 1",
    ];
    for (const sample of samples) expect(FORBIDDEN.some(([pattern]) => pattern.test(sample))).toBe(true);
    expect(FORBIDDEN.some(([pattern]) => pattern.test("if (process.env.A === 'x')"))).toBe(false);
  });
});
