import { describe, expect, it } from "vitest";
import {
  axisValues,
  chartWindow,
  ENFORCEMENT_SERIES,
  ENGINE_COLOURS,
  engineColour,
  niceMax,
} from "./render-charts.js";

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b2] = [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b2;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe("chart colours", () => {
  it("each stand out from the white page by at least 4.5:1, unknown engines included", () => {
    const colours = [
      ...Object.values(ENGINE_COLOURS),
      engineColour("release"),
      ...ENFORCEMENT_SERIES.map((s) => s.colour),
    ];
    for (const colour of colours) expect(contrast(colour, "#ffffff"), colour).toBeGreaterThanOrEqual(4.5);
  });

  it("give every known engine its own colour", () => {
    const colours = Object.values(ENGINE_COLOURS);
    expect(new Set(colours).size).toBe(colours.length);
  });
});

describe("chart axes and windows", () => {
  it("round the axis up to 1, 2 or 5 times a power of ten, never below 1", () => {
    expect([0, 1, 2, 3, 7, 10, 11, 40, 99, 101].map(niceMax)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 100, 200]);
    expect(axisValues(1)).toEqual([0, 1]);
    expect(axisValues(5)).toEqual([0, 5]);
    expect(axisValues(20)).toEqual([0, 10, 20]);
  });

  it("start at the repository's first day, end at the org's newest, and show at most the limit", () => {
    const coverage = (first: string, last: string) => ({ first_day: first, last_day: last });
    expect(chartWindow(coverage("2026-11-20", "2026-11-21"), "2026-11-22", 30)).toEqual([
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
    ]);
    const long = chartWindow(coverage("2026-01-01", "2026-11-22"), "2026-11-22", 30);
    expect([long.length, long[0], long[29]]).toEqual([30, "2026-10-24", "2026-11-22"]);
    // All its data is older than the org's window: the chart ends at its own last day.
    const old = chartWindow(coverage("2026-01-01", "2026-03-01"), "2026-11-22", 30);
    expect([old.length, old[29]]).toEqual([30, "2026-03-01"]);
    expect(chartWindow({ first_day: null, last_day: null }, "2026-11-22", 30)).toEqual([]);
  });
});
