import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth so equal content gives equal bytes", () => {
    const a = canonicalJson({ z: 1, a: { y: [1, { d: 1, c: 2 }], b: null } });
    const b = canonicalJson({ a: { b: null, y: [1, { c: 2, d: 1 }] }, z: 1 });
    expect(a).toBe(b);
    expect(a).toBe(
      '{\n  "a": {\n    "b": null,\n    "y": [\n      1,\n      {\n        "c": 2,\n        "d": 1\n      }\n    ]\n  },\n  "z": 1\n}\n',
    );
  });

  it("ends with exactly one newline and drops undefined members", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{\n  "b": 1\n}\n');
  });

  it("refuses numbers JSON cannot carry", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
  });

  it("keeps a member named __proto__ as data", () => {
    const value = JSON.parse('{"repos": {"__proto__": {"state": "enabled"}}}') as unknown;
    expect(canonicalJson(value)).toBe(
      '{\n  "repos": {\n    "__proto__": {\n      "state": "enabled"\n    }\n  }\n}\n',
    );
  });
});
