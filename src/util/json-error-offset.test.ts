import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonErrorOffset, lineAndColumn } from "./json-error-offset.js";

describe("jsonErrorOffset", () => {
  it.each([
    ['{"a": tru}', 9],
    ["ghp_SUPERSECRET", 0],
    ["root:x:0:0:root:/root:/bin/bash\n", 0],
    ['{"a": 1,}', 8],
    ["[1, 2", 5],
    ['"\\q"', 2],
    ["01", 1],
    ["{} x", 3],
    ["", 0],
  ])("finds where %j stops being JSON (%i)", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it("agrees with JSON.parse on which texts are JSON", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(text) === undefined).toBe(valid);
      }),
      { numRuns: 2_000 },
    );
  });

  it("does not overflow the stack on deep nesting", () => {
    expect(jsonErrorOffset("[".repeat(100_000) + "]".repeat(100_000))).toBeUndefined();
  });
});

describe("lineAndColumn", () => {
  it("counts lines and columns from 1", () => {
    expect(lineAndColumn('{\n  "a": tru\n}', 11)).toEqual({ line: 2, col: 10 });
    expect(lineAndColumn("x", 0)).toEqual({ line: 1, col: 1 });
  });
});
