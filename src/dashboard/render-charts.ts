import type { DayStats } from "./dashboard-types.js";
import { addDays, dayRange } from "./day-math.js";
import { escapeHtml } from "./escape-html.js";

/**
 * Inline SVG charts for the dashboard page. Each chart is an `img`-role SVG with a title and a
 * description, every bar carries a `<title>` (a tooltip without JavaScript), and the same numbers are
 * printed in a table beside it, so nothing depends on colour or on scripts.
 */

/**
 * Engine colours: hues from the Okabe–Ito colour-blind-safe palette, darkened until each has at
 * least 4.5:1 contrast on white (WCAG 1.4.11 asks 3:1 for graphics).
 */
export const ENGINE_COLOURS: Readonly<Record<string, string>> = {
  preflight: "#4d4d4d",
  validate: "#0067a3",
  materialize: "#a65200",
  enforce: "#8e3f8f",
  "self-test": "#00756a",
  dashboard: "#7a6500",
};
const OTHER_COLOUR = "#5c5c7a";

export function engineColour(engine: string): string {
  return ENGINE_COLOURS[engine] ?? OTHER_COLOUR;
}

const WIDTH = 760;
const LEFT = 44;
const RIGHT = 12;
const TOP = 14;

export interface RunsChartInput {
  id: string;
  repository: string;
  window: readonly string[];
  byDay: ReadonlyMap<string, DayStats>;
  /** Days inside the repository's coverage with no telemetry at all. */
  gaps: ReadonlySet<string>;
  engines: readonly string[];
}

/**
 * Records per day by engine, one stacked bar per day: successes solid at the bottom, failures hatched
 * on top, days without any telemetry shaded. The axis runs from 0 up to a round maximum; it is never
 * negative and never "0 … 0" (a day with only failures still has a height).
 */
export function renderRunsChart(input: RunsChartInput): string {
  const { window, byDay, engines } = input;
  const height = 220;
  const plotHeight = height - TOP - 34;
  let max = 0;
  for (const day of window) {
    const stats = byDay.get(day);
    if (!stats) continue;
    let total = 0;
    for (const counts of Object.values(stats.engines)) total += counts.success + counts.failure;
    max = Math.max(max, total);
  }
  const top = niceMax(max);
  const unit = plotHeight / top;
  const axisY = TOP + plotHeight;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, window.length);
  const barWidth = Math.min(BAR_MAX, Math.max(2, slot * 0.72));
  const parts: string[] = [];
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  parts.push(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">Records per day by engine for ${escapeHtml(input.repository)}</title>`,
    `<desc id="${descId}">Each bar counts one day's records: successful ones solid, failed ones hatched on top, ` +
      `over ${window.length} day(s) from ${window[0] ?? ""} to ${window[window.length - 1] ?? ""}. ` +
      `Shaded days had no telemetry.</desc>`,
    hatchDefs(input.id, engines),
    gridLines(top, unit, axisY),
  );
  window.forEach((day, index) => {
    const x = LEFT + index * slot;
    if (input.gaps.has(day)) {
      parts.push(
        `<rect class="gap" x="${fmt(x)}" y="${TOP}" width="${fmt(slot)}" height="${fmt(plotHeight)}"><title>${day}: no telemetry</title></rect>`,
      );
    }
    const stats = byDay.get(day);
    if (!stats) return;
    let y = axisY;
    const barX = fmt(x + (slot - barWidth) / 2);
    for (const failed of [false, true]) {
      for (const engine of engines) {
        const counts = stats.engines[engine];
        const value = counts === undefined ? 0 : failed ? counts.failure : counts.success;
        if (value === 0) continue;
        const h = value * unit;
        y -= h;
        parts.push(
          failed
            ? `<rect x="${barX}" y="${fmt(y)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="url(#${input.id}-hatch-${engineKey(engine)})" stroke="${engineColour(engine)}" stroke-width="1"><title>${day} · ${escapeHtml(engine)}: ${value} failed</title></rect>`
            : `<rect x="${barX}" y="${fmt(y)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="${engineColour(engine)}"><title>${day} · ${escapeHtml(engine)}: ${value} succeeded</title></rect>`,
        );
      }
    }
  });
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(axisY)}" y2="${fmt(axisY)}"/>`,
    axisTicks(top, unit, axisY),
    dayLabels(window, slot, height - 8),
    "</svg>",
  );
  return parts.join("");
}

/** Widest bar, so a chart of one or two days does not draw slabs. */
const BAR_MAX = 36;

/** The smallest of 1, 2, 5 × 10ⁿ at or above `max` (at least 1): the top of an axis. */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Tick values from 0 to `top`: 0, the middle when it is whole, and `top`. */
export function axisValues(top: number): number[] {
  return top >= 2 && Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top];
}

function axisTicks(top: number, unit: number, axisY: number): string {
  return axisValues(top)
    .map(
      (value) =>
        `<text class="tick" x="${LEFT - 6}" y="${fmt(axisY - value * unit + 4)}" text-anchor="end">${value}</text>`,
    )
    .join("");
}

function gridLines(top: number, unit: number, axisY: number): string {
  return axisValues(top)
    .filter((value) => value > 0)
    .map(
      (value) =>
        `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(axisY - value * unit)}" y2="${fmt(axisY - value * unit)}"/>`,
    )
    .join("");
}

/**
 * The days a repository's charts show: at most `maxDays`, ending at `end` (the org's newest day, so
 * a repository that went quiet shows its silence), and starting no earlier than the repository's
 * first day, so the chart zooms to the period that has data. When all its data is older than that,
 * the window ends at its own last day instead. Empty without data. Pure.
 */
export function chartWindow(
  coverage: { first_day: string | null; last_day: string | null },
  end: string | null,
  maxDays: number,
): string[] {
  const { first_day: first, last_day: last } = coverage;
  if (first === null || last === null) return [];
  let to = end !== null && end > last ? end : last;
  let from = addDays(to, -(maxDays - 1));
  if (last < from) {
    to = last;
    from = addDays(to, -(maxDays - 1));
  }
  return dayRange(first > from ? first : from, to);
}

export interface EnforcementChartInput {
  id: string;
  repository: string;
  window: readonly string[];
  byDay: ReadonlyMap<string, DayStats>;
}

export const ENFORCEMENT_SERIES = [
  { key: "labels_removed", label: "labels removed", colour: "#8e3f8f" },
  { key: "milestones_set", label: "milestones set", colour: "#00756a" },
] as const;

/** Enforcement actions per day: labels removed and milestones set, side by side. */
export function renderEnforcementChart(input: EnforcementChartInput): string {
  const { window, byDay } = input;
  const height = 170;
  const plotHeight = height - TOP - 34;
  let max = 0;
  for (const day of window) {
    const activity = byDay.get(day)?.enforcement;
    if (activity) max = Math.max(max, activity.labels_removed, activity.milestones_set);
  }
  const top = niceMax(max);
  const unit = plotHeight / top;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, window.length);
  const barWidth = Math.min(BAR_MAX / 2, Math.max(1.5, (slot * 0.8) / ENFORCEMENT_SERIES.length));
  const axisY = TOP + plotHeight;
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  const parts = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">Enforcement actions per day for ${escapeHtml(input.repository)}</title>`,
    `<desc id="${descId}">Labels removed and milestones set by the enforce engine on each day from ${window[0] ?? ""} to ${window[window.length - 1] ?? ""}.</desc>`,
    gridLines(top, unit, axisY),
  ];
  window.forEach((day, index) => {
    const activity = byDay.get(day)?.enforcement;
    if (!activity) return;
    ENFORCEMENT_SERIES.forEach((series, position) => {
      const value = activity[series.key];
      if (value === 0) return;
      const x = LEFT + index * slot + (slot - barWidth * ENFORCEMENT_SERIES.length) / 2 + position * barWidth;
      const h = value * unit;
      parts.push(
        `<rect x="${fmt(x)}" y="${fmt(axisY - h)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="${series.colour}"><title>${day}: ${value} ${series.label}</title></rect>`,
      );
    });
  });
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(axisY)}" y2="${fmt(axisY)}"/>`,
    axisTicks(top, unit, axisY),
    dayLabels(window, slot, height - 8),
    "</svg>",
  );
  return parts.join("");
}

function hatchDefs(id: string, engines: readonly string[]): string {
  const patterns = engines.map(
    (engine) =>
      `<pattern id="${id}-hatch-${engineKey(engine)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="${engineColour(engine)}"/></pattern>`,
  );
  return `<defs>${patterns.join("")}</defs>`;
}

function dayLabels(window: readonly string[], slot: number, y: number): string {
  const every = Math.max(1, Math.ceil(window.length / 8));
  return window
    .map((day, index) =>
      index % every === 0
        ? `<text class="tick" x="${fmt(LEFT + index * slot + slot / 2)}" y="${y}" text-anchor="middle">${day.slice(5)}</text>`
        : "",
    )
    .join("");
}

function engineKey(engine: string): string {
  return engine.replace(/[^a-z0-9-]/g, "_");
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
