import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findForbiddenDetails } from "./details-guard.js";

describe("findForbiddenDetails", () => {
  it("accepts an ordinary engine result", () => {
    expect(
      findForbiddenDetails({
        tool: "enforce",
        ok: true,
        checks: [{ id: "phase", outcome: "PASS", details: { owner_count: 1, repository: "acme/widgets" } }],
        actions: [{ id: "issue.milestone.set", issue_event: { action: "labeled" } }],
      }),
    ).toEqual([]);
  });

  it("finds owner+repo in every object, not only the last one visited", () => {
    const problems = findForbiddenDetails({
      checks: [
        { id: "first", details: { owner: "evil", repo: "elsewhere" } },
        { id: "clean", details: {} },
      ],
      actions: [{ id: "x", nested: [[{ owner: "a", repo: "b", more: { owner: "c", repo: "d" } }]] }],
      last: { fine: true },
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      "/actions/0/nested/0/0",
      "/actions/0/nested/0/0/more",
      "/checks/0/details",
    ]);
  });

  it("finds owner+repo at the top level and refuses a top-level event key", () => {
    expect(
      findForbiddenDetails({ owner: "a", repo: "b", event: "x" }).map((problem) => problem.path),
    ).toEqual(["", "/event"]);
    // `event` deeper down is allowed: only the top level would shadow the envelope.
    expect(findForbiddenDetails({ actions: [{ event: "labeled" }] })).toEqual([]);
  });

  it("escapes JSON pointer tokens and survives deep nesting and shared objects", () => {
    expect(findForbiddenDetails({ "a/b~c": { owner: 1, repo: 2 } })[0].path).toBe("/a~1b~0c");
    let deep: unknown = { owner: "x", repo: "y" };
    for (let depth = 0; depth < 20_000; depth += 1) deep = { child: deep };
    expect(findForbiddenDetails(deep)).toHaveLength(1);
    const shared = { owner: "x", repo: "y" };
    expect(findForbiddenDetails({ a: shared, b: shared })).toHaveLength(1);
  });

  it("flags a planted owner+repo object wherever it is placed in any JSON value", () => {
    const json = fc
      .jsonValue({ maxDepth: 4 })
      .filter((value) => findForbiddenDetails({ v: value }).length === 0);
    fc.assert(
      fc.property(json, fc.array(fc.nat({ max: 5 }), { maxLength: 4 }), (value, route) => {
        // Walk `route` into the value and hang the forbidden object there.
        const root: { v: unknown } = { v: structuredClone(value) };
        let holder: Record<string, unknown> | unknown[] = root;
        let key: string | number = "v";
        for (const step of route) {
          const next: unknown = (holder as Record<string | number, unknown>)[key];
          if (Array.isArray(next) && next.length > 0) {
            holder = next;
            key = step % next.length;
          } else if (next !== null && typeof next === "object" && Object.keys(next).length > 0) {
            const keys = Object.keys(next);
            holder = next as Record<string, unknown>;
            key = keys[step % keys.length];
          } else break;
        }
        (holder as Record<string | number, unknown>)[key] = { owner: "o", repo: "r" };
        expect(findForbiddenDetails(root).length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
