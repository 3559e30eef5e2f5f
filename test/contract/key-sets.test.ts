import { describe, expect, it } from "vitest";
import { compareKeySets, matchesPointer } from "./key-sets.js";

describe("comparing responses with recordings by shape", () => {
  it("ignores values, which recordings replace with placeholders", () => {
    const recorded = { id: 1000, sha: "0000000000000000000000000000000000000001", labels: [{ name: "bug" }] };
    const actual = { id: 7, sha: "3f3f005b29247e51a4f4d6b8ce07b67646cd6074", labels: [{ name: "phase-1" }] };
    expect(compareKeySets(recorded, actual)).toEqual([]);
  });

  it("names keys missing or extra in any nested object, by JSON pointer", () => {
    const recorded = [{ user: { login: "a", gravatar_id: "" }, "a/b": 1 }];
    const actual = [{ user: { login: "a", user_view_type: "public" }, "a/b": 1 }];
    expect(compareKeySets(recorded, actual)).toEqual([
      { at: "/0/user/gravatar_id", kind: "missing" },
      { at: "/0/user/user_view_type", kind: "extra" },
    ]);
  });

  it("names a value of another kind, null included, and a list of another length", () => {
    expect(compareKeySets({ body: null, labels: [{}, {}] }, { body: "", labels: [{}] })).toEqual([
      { at: "/body", kind: "type", detail: "recorded null, got string" },
      { at: "/labels", kind: "length", detail: "recorded 2, got 1" },
    ]);
  });

  it("matches pointers against patterns with * for one segment", () => {
    expect(matchesPointer("/*/user/gravatar_id", "/12/user/gravatar_id")).toBe(true);
    expect(matchesPointer("/*/user/gravatar_id", "/12/assignee/gravatar_id")).toBe(false);
    expect(matchesPointer("/*/user", "/12/user/gravatar_id")).toBe(false);
  });

  it("matches pointers at any depth against patterns starting with **", () => {
    expect(matchesPointer("**/user_view_type", "/user_view_type")).toBe(true);
    expect(matchesPointer("**/user_view_type", "/3/assignees/0/user_view_type")).toBe(true);
    expect(matchesPointer("**/user/user_view_type", "/3/owner/user_view_type")).toBe(false);
  });
});
