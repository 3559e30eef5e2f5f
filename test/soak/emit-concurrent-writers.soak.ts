import { afterAll, beforeAll, describe, it } from "vitest";
import { checkConcurrentWriters } from "../telemetry/concurrent-writers-case.js";
import { startTelemetryWorld, type TelemetryWorld } from "../telemetry/telemetry-world.js";

/** The soak-sized case of emit-engine's concurrent-writers test: 500 records through eight writers. */
describe("eight concurrent writers under injected faults, 500 records", () => {
  let world: TelemetryWorld;
  beforeAll(async () => {
    world = await startTelemetryWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("stores exactly the 500 intended records, none lost or duplicated, every write in the history", async () => {
    await checkConcurrentWriters(world, { records: 500, min409: 100, min503: 5 });
  });
});
