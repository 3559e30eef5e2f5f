import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  classifyWriteFailure,
  DEFAULT_RETRY_POLICY,
  rateLimitWaitMs,
} from "./retry-policy.js";

const NOW = Date.parse("2026-11-21T22:00:00.000Z");

describe("classifyWriteFailure", () => {
  it("retries branch conflicts, gateway failures and lost connections", () => {
    expect(classifyWriteFailure({ status: 409 }, NOW)).toEqual({ kind: "retry", cause: "conflict" });
    for (const status of [502, 503, 504]) {
      expect(classifyWriteFailure({ status }, NOW)).toEqual({ kind: "retry", cause: "unavailable" });
    }
    expect(classifyWriteFailure({ status: undefined }, NOW)).toEqual({ kind: "retry", cause: "unavailable" });
  });

  it("gives up at once on a 409 that a branch rule, not a moved head, caused", () => {
    const moved = { status: 409, message: "is at 3f1c but expected 9a2b" };
    expect(classifyWriteFailure(moved, NOW)).toEqual({ kind: "retry", cause: "conflict" });
    for (const message of [
      "Changes must be made through a pull request.",
      "Repository rule violations found\n\nChanges must be made through a pull request.",
      "Cannot update this protected branch",
    ]) {
      expect(classifyWriteFailure({ status: 409, message }, NOW)).toEqual({
        kind: "fatal",
        reason: "the branch refuses direct commits",
      });
    }
  });

  it("reads the stored file on 422 and gives up on what would fail again", () => {
    expect(classifyWriteFailure({ status: 422 }, NOW)).toEqual({ kind: "exists" });
    for (const status of [400, 401, 403, 404, 500]) {
      expect(classifyWriteFailure({ status, headers: {} }, NOW)).toEqual({ kind: "fatal" });
    }
  });

  it("waits as told by a secondary limit's retry-after, in seconds or as a date", () => {
    expect(classifyWriteFailure({ status: 403, headers: { "retry-after": "37" } }, NOW)).toEqual({
      kind: "wait",
      waitMs: 37_000,
    });
    expect(
      classifyWriteFailure({ status: 429, headers: { "Retry-After": "Sat, 21 Nov 2026 22:00:05 GMT" } }, NOW),
    ).toEqual({ kind: "wait", waitMs: 5_000 });
  });

  it("waits until a primary limit resets, plus a second", () => {
    const reset = String(NOW / 1000 + 120);
    expect(
      classifyWriteFailure(
        { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } },
        NOW,
      ),
    ).toEqual({ kind: "wait", waitMs: 121_000 });
    // Remaining budget means the 403 is a permission problem, not a limit.
    expect(
      rateLimitWaitMs({ "x-ratelimit-remaining": "12", "x-ratelimit-reset": reset }, NOW),
    ).toBeUndefined();
  });

  it("waits a minute on a secondary-limit 403 that names no time, and stays fatal on a plain 403", () => {
    const secondary =
      "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
    expect(classifyWriteFailure({ status: 403, headers: {}, message: secondary }, NOW)).toEqual({
      kind: "wait",
      waitMs: 60_000,
    });
    expect(
      classifyWriteFailure(
        { status: 403, headers: {}, message: "Resource not accessible by integration" },
        NOW,
      ),
    ).toEqual({ kind: "fatal" });
  });

  it("waits a minute on a bare 429, as GitHub advises", () => {
    expect(classifyWriteFailure({ status: 429, headers: {} }, NOW)).toEqual({ kind: "wait", waitMs: 60_000 });
  });
});

describe("backoffDelayMs", () => {
  it("draws uniformly below a ceiling that doubles per retry up to the cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it("widens the spread to the latency of the failed write on a slow server", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 5_000 };
    expect(backoffDelayMs(1, policy, () => 0.5, 700)).toBe(350);
    expect(backoffDelayMs(3, policy, () => 0.5, 700)).toBe(1_400);
    expect(backoffDelayMs(1, policy, () => 0.5, 20)).toBe(50);
  });
});
