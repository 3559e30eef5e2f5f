import { describe, expect, it } from "vitest";
import { createWritePacer, DEFAULT_PACE, maxInWindow } from "./write-pacer.js";

/** Runs `count` writes as fast as the pacer allows, on a simulated clock; returns their times. */
function paced(count: number, limits = DEFAULT_PACE): number[] {
  const pacer = createWritePacer(limits);
  const times: number[] = [];
  let now = 0;
  for (let index = 0; index < count; index += 1) {
    now += pacer.waitMs(now);
    pacer.wrote(now);
    times.push(now);
  }
  return times;
}

describe("createWritePacer", () => {
  it("spaces writes a second apart by default, so no minute holds more than 60", () => {
    const times = paced(200);
    expect(times.slice(0, 3)).toEqual([0, 1_000, 2_000]);
    expect(maxInWindow(times, 60_000)).toBe(60);
  });

  it("holds the per-minute limit when writes may otherwise come faster", () => {
    const times = paced(300, { minSpacingMs: 0, perMinute: 80, perHour: 500 });
    expect(maxInWindow(times, 60_000)).toBe(80);
    // The 81st write waits for the first one to leave the minute.
    expect(times[80]).toBe(60_000);
  });

  it("holds the per-hour limit: the write after 450 waits an hour from the first of them", () => {
    const times = paced(460);
    expect(maxInWindow(times, 3_600_000)).toBe(450);
    expect(times[450]).toBe(3_600_000);
  });
});

describe("maxInWindow", () => {
  it("counts the fullest window, half-open at its end", () => {
    expect(maxInWindow([0, 10, 59_999, 60_000, 60_001], 60_000)).toBe(4);
    expect(maxInWindow([0, 60_000, 120_000], 60_000)).toBe(1);
    expect(maxInWindow([], 60_000)).toBe(0);
  });
});
