import { describe, expect, it } from "vitest";
import { checkEngineRef, isWellFormedRef } from "./engine-ref-policy.js";

describe("engine_ref policy", () => {
  it.each([
    "v1.4.0",
    "v0.0.1",
    "v10.20.30",
    "v2.0.0-rc.1",
    "v1.0.0-alpha-2.x",
    "0123456789abcdef0123456789abcdef01234567",
  ])("allows the immutable ref %s in marketplace mode", (ref) =>
    expect(checkEngineRef(ref, "marketplace")).toEqual({ ok: true }),
  );

  it.each([
    "main",
    "phase-3.5",
    "v1.4",
    "1.4.0",
    "v01.4.0",
    "v1.4.0+build",
    "v1.4.0-",
    "0123456789abcdef",
    "refs/tags/v1.4.0",
  ])("refuses the floating or malformed ref %s in marketplace mode", (ref) => {
    const verdict = checkEngineRef(ref, "marketplace");
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.hint).not.toBe("");
  });

  it("asks for a lower-case SHA rather than refusing it silently", () => {
    const verdict = checkEngineRef("0123456789ABCDEF0123456789ABCDEF01234567", "marketplace");
    expect(verdict).toMatchObject({ ok: false, hint: "write the commit SHA in lower case" });
  });

  it("accepts any well-formed ref in development mode", () => {
    expect(checkEngineRef("main", "development")).toEqual({ ok: true });
    expect(checkEngineRef("feature/runtime", "development")).toEqual({ ok: true });
  });

  it.each([
    "",
    "-rf",
    "a..b",
    "a b",
    "x.lock",
    "a/",
    "/a",
    "a//b",
    "a@{1}",
    "a~1",
    "a^",
    "a:b",
    ".hidden",
    "a/.b",
  ])("refuses %j in every mode: it is not a git ref", (ref) => {
    expect(isWellFormedRef(ref)).toBe(false);
    expect(checkEngineRef(ref, "development").ok).toBe(false);
  });
});
