import { describe, it } from "vitest";
import { runEnforceRace } from "../engines/support/enforce-race.js";

describe("enforce while a person edits the same issue (soak)", () => {
  it("loses no label it did not decide to remove, over 200 runs against a concurrent client process", async () => {
    await runEnforceRace(200);
  }, 600_000);
});
