import { describe, it } from "vitest";
import { runEnforceRace } from "./support/enforce-race.js";

/** The normal suite's size of the race; `npm run soak` runs it 200 times (test/soak/enforce-race.soak.ts). */
const RUNS = 40;

describe("enforce while a person edits the same issue", () => {
  it(`loses no label it did not decide to remove, over ${RUNS} runs against a concurrent client process`, async () => {
    await runEnforceRace(RUNS);
  }, 60_000);
});
