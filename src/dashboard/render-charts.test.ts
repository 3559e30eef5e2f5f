import { describe, expect, it } from "vitest";
import { ENFORCEMENT_SERIES, ENGINE_COLOURS, engineColour } from "./render-charts.js";

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
