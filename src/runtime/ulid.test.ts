import { describe, expect, it } from "vitest";
import { CORRELATION_ID_PATTERN } from "./correlation-id.js";
import { encodeUlid } from "./ulid.js";

describe("encodeUlid", () => {
  it("encodes the time in the first 10 characters and the randomness in the last 16", () => {
    // The time part of the ULID specification's own example, 01ARYZ6S41TSV4RRFFQ69G5FAV.
    const id = encodeUlid(1_469_918_176_385, new Uint8Array(10).fill(255));
    expect(id).toHaveLength(26);
    expect(id.slice(0, 10)).toBe("01ARYZ6S41");
    expect(id.slice(10)).toBe("ZZZZZZZZZZZZZZZZ");
    expect(encodeUlid(0, new Uint8Array(10))).toBe("0".repeat(26));
  });

  it("sorts by time, so a repo's correlation directories list in run order", () => {
    const random = new Uint8Array(10);
    const earlier = encodeUlid(1_700_000_000_000, random);
    const later = encodeUlid(1_700_000_000_001, random);
    expect(earlier < later).toBe(true);
  });

  it("is a valid correlation id", () => {
    expect(CORRELATION_ID_PATTERN.test(encodeUlid(Date.now(), new Uint8Array(10).fill(7)))).toBe(true);
  });

  it("refuses a time outside 48 bits and the wrong amount of randomness", () => {
    expect(() => encodeUlid(-1, new Uint8Array(10))).toThrow(RangeError);
    expect(() => encodeUlid(0, new Uint8Array(9))).toThrow(RangeError);
  });
});
