import { describe, expect, it } from "vitest";
import { didYouMean } from "./did-you-mean.js";

describe("didYouMean", () => {
  it.each([
    ["trakcs", ["tracks", "labels"], "tracks"],
    ["stratgy", ["mode", "strategy"], "strategy"],
    ["warnn", ["enforce", "warn", "fail", "off"], "warn"],
    ["Phase 1 - Planning", ["Phase 1 – Planning", "Phase 2"], "Phase 1 – Planning"],
    ["newest", ["highest", "lowest"], undefined],
    ["unknownKey", ["schema_version", "tracks", "labels", "milestones", "enforcement"], undefined],
    ["of", ["off"], undefined],
  ])("%s among %j → %s", (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });
});
