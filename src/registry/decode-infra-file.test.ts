import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { decodeInfraFile, decodeInfraFileOrThrow } from "./decode-infra-file.js";
import { invisibleCharacterIn, repoNameProblem, sameGitHubName } from "./github-names.js";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

describe("decodeInfraFile", () => {
  it("decodes UTF-8 text as it is, including a U+FEFF that is not at the start", () => {
    expect(decodeInfraFile(bytes('{"a":"é\uFEFF"}\n'))).toEqual({ ok: true, text: '{"a":"é\uFEFF"}\n' });
  });

  it("refuses a leading byte order mark at 1:1", () => {
    expect(decodeInfraFile(bytes([0xef, 0xbb, 0xbf], "{}\n"), "f.json")).toMatchObject({
      ok: false,
      problem: { file: "f.json", line: 1, col: 1, message: expect.stringContaining("byte order mark") },
    });
  });

  for (const [name, bad] of [
    ["a stray continuation byte", [0x80]],
    ["an overlong encoding", [0xc0, 0xaf]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
  ] as const) {
    it(`refuses ${name} at the line and column where it starts`, () => {
      const result = decodeInfraFile(bytes('{\n  "é": "', [...bad], '"\n}\n'), "f.json");
      expect(result).toMatchObject({ ok: false, problem: { file: "f.json", line: 2, col: 9 } });
      if (!result.ok)
        expect(result.problem.message).toContain(`byte offset ${Buffer.from('{\n  "é": "').length}`);
    });
  }

  it("throws a ValidationError (exit 2) carrying the positioned problem", () => {
    expect(() => decodeInfraFileOrThrow(bytes([0xff]), "f.json")).toThrow(ValidationError);
  });
});

describe("GitHub names", () => {
  it("compare case-insensitively, and only so", () => {
    expect(sameGitHubName("ACME/Widgets", "acme/widgets")).toBe(true);
    expect(sameGitHubName("acme", "acme-2")).toBe(false);
    expect(sameGitHubName("wid\u200bgets", "widgets")).toBe(false);
  });

  it("name invisible and text-direction characters, shown escaped", () => {
    expect(invisibleCharacterIn("phase-\u200b1")).toBe(
      "U+200B (an invisible or text-direction character) at character 7",
    );
    expect(invisibleCharacterIn("phase-1")).toBeUndefined();
    expect(repoNameProblem("phase-\u200b1")).toBe(
      '"phase-<U+200B>1" contains U+200B (an invisible or text-direction character) at character 7; GitHub repository names are letters, digits, ".", "_" and "-" only',
    );
  });
});
