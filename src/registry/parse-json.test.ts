import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonPointer, lineIndex, locateJson, parseJson, parseSerializedJson } from "./parse-json.js";

function syntaxErrorAt(text: string) {
  const parsed = parseJson(text);
  if (parsed.ok) throw new Error(`expected a syntax error in ${text}`);
  return { ...lineIndex(text)(parsed.error.offset), message: parsed.error.message };
}

describe("parseJson", () => {
  it("reads what JSON.parse reads, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2);
        const parsed = parseJson(text);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.value).toStrictEqual(JSON.parse(text));
      }),
    );
  });

  it("accepts exactly the texts JSON.parse accepts", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.json().map((t) => t.slice(0, -1)),
        ),
        (text) => {
          let native = true;
          try {
            JSON.parse(text);
          } catch {
            native = false;
          }
          expect(parseJson(text).ok).toBe(native);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("places a syntax error at its line and column", () => {
    expect(syntaxErrorAt('{\n  "a": 1,\n  "b": tru\n}')).toMatchObject({ line: 3, col: 8 });
    expect(syntaxErrorAt('{\n  "a": [1, 2,]\n}')).toMatchObject({
      line: 2,
      col: 13,
      message: "trailing comma in an array",
    });
    expect(syntaxErrorAt('{"a": 1,}')).toMatchObject({
      line: 1,
      col: 9,
      message: "trailing comma in an object",
    });
    expect(syntaxErrorAt('{"a": "x')).toMatchObject({ line: 1, col: 7, message: "unterminated string" });
    expect(syntaxErrorAt("")).toMatchObject({ line: 1, col: 1 });
    expect(syntaxErrorAt('\uFEFF{"a":1}').message).toMatch(/byte order mark/);
  });

  it("reports every duplicated key with its pointer instead of silently keeping the last", () => {
    const parsed = parseJson('{"orgs":{"acme":1,"acme":2},"x":[{"k":1,"k":1}]}');
    expect(parsed).toMatchObject({
      ok: true,
      duplicateKeys: [
        { pointer: "/orgs/acme", keyOffset: 18 },
        { pointer: "/x/0/k", keyOffset: 40 },
      ],
    });
  });

  it("keeps a __proto__ member as data without touching the prototype", () => {
    const parsed = parseJson('{"__proto__": {"polluted": true}}');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const value = parsed.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses nesting deep enough to exhaust the stack, by position", () => {
    const text = "[".repeat(100_000);
    const parsed = parseJson(text);
    expect(parsed).toMatchObject({ ok: false, error: { offset: 256 } });
  });
});

describe("locateJson", () => {
  it("finds each key and value by JSON pointer, escaping ~ and /", () => {
    const text = '{\n  "a/b": {\n    "c~d": [10, 20]\n  }\n}';
    const at = lineIndex(text);
    const locations = locateJson(text);
    expect(at(locations.get("/a~1b")!.keyOffset!)).toEqual({ line: 2, col: 3 });
    expect(at(locations.get("/a~1b/c~0d/1")!.valueOffset)).toEqual({ line: 3, col: 17 });
    expect(jsonPointer(["a/b", "c~d", 1])).toBe("/a~1b/c~0d/1");
  });
});

describe("parseSerializedJson", () => {
  it("takes only text that is exactly the engine's serialization, so duplicates and odd syntax go to parseJson", () => {
    const value = { b: [1, "x"], a: { c: null } };
    expect(parseSerializedJson(`${JSON.stringify(value, null, 2)}\n`, 2, true)).toEqual({ value });
    expect(parseSerializedJson(JSON.stringify(value), 0, false)).toEqual({ value });
    expect(parseSerializedJson('{\n  "a": 1,\n  "a": 1\n}\n', 2, true)).toBeUndefined();
    expect(parseSerializedJson('{"a":1.0}', 0, false)).toBeUndefined();
    expect(parseSerializedJson("{", 0, false)).toBeUndefined();
    expect(parseSerializedJson(JSON.stringify(value, null, 2), 2, true)).toBeUndefined();
  });
});
