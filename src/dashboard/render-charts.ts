import type { DayStats } from "./dashboard-types.js";
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
 * Records per day by engine: successes stacked above the axis, failures (hatched) below it, days
 * without any telemetry shaded.
 */
export function renderRunsChart(input: RunsChartInput): string {
  const { window, byDay, engines } = input;
  const height = 220;
  const plotHeight = height - TOP - 34;
  let maxUp = 0;
  let maxDown = 0;
  for (const day of window) {
    const stats = byDay.get(day);
    if (!stats) continue;
    let up = 0;
    let down = 0;
    for (const counts of Object.values(stats.engines)) {
      up += counts.success;
      down += counts.failure;
    }
    maxUp = Math.max(maxUp, up);
    maxDown = Math.max(maxDown, down);
  }
  const total = Math.max(1, maxUp + maxDown);
  const upHeight = maxDown === 0 ? plotHeight : Math.max(plotHeight * 0.35, (plotHeight * maxUp) / total);
  const downHeight = plotHeight - upHeight;
  const axisY = TOP + upHeight;
  const unitUp = maxUp === 0 ? 0 : upHeight / maxUp;
  const unitDown = maxDown === 0 ? 0 : downHeight / maxDown;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, window.length);
  const barWidth = Math.max(2, slot * 0.72);
  const parts: string[] = [];
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  parts.push(
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">Records per day by engine for ${escapeHtml(input.repository)}</title>`,
    `<desc id="${descId}">Bars above the axis count successful records, hatched bars below it failed records, ` +
      `over ${window.length} days from ${window[0] ?? ""} to ${window[window.length - 1] ?? ""}. ` +
      `Shaded days had no telemetry.</desc>`,
    hatchDefs(input.id, engines),
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
    let yUp = axisY;
    let yDown = axisY;
    for (const engine of engines) {
      const counts = stats.engines[engine];
      if (!counts) continue;
      if (counts.success > 0) {
        const h = counts.success * unitUp;
        yUp -= h;
        parts.push(
          `<rect x="${fmt(x + (slot - barWidth) / 2)}" y="${fmt(yUp)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="${engineColour(engine)}"><title>${day} · ${escapeHtml(engine)}: ${counts.success} succeeded</title></rect>`,
        );
      }
      if (counts.failure > 0) {
        const h = counts.failure * unitDown;
        parts.push(
          `<rect x="${fmt(x + (slot - barWidth) / 2)}" y="${fmt(yDown)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="url(#${input.id}-hatch-${engineKey(engine)})" stroke="${engineColour(engine)}" stroke-width="1"><title>${day} · ${escapeHtml(engine)}: ${counts.failure} failed</title></rect>`,
        );
        yDown += h;
      }
    }
  });
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(axisY)}" y2="${fmt(axisY)}"/>`,
    `<text class="tick" x="${LEFT - 6}" y="${fmt(TOP + 4)}" text-anchor="end">${maxUp}</text>`,
    `<text class="tick" x="${LEFT - 6}" y="${fmt(axisY + 4)}" text-anchor="end">0</text>`,
  );
  if (maxDown > 0) {
    parts.push(
      `<text class="tick fail" x="${LEFT - 6}" y="${fmt(TOP + plotHeight)}" text-anchor="end">−${maxDown}</text>`,
    );
  }
  parts.push(dayLabels(window, slot, height - 8), "</svg>");
  return parts.join("");
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
  const unit = max === 0 ? 0 : plotHeight / max;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, window.length);
  const barWidth = Math.max(1.5, (slot * 0.8) / ENFORCEMENT_SERIES.length);
  const axisY = TOP + plotHeight;
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;
  const parts = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">Enforcement actions per day for ${escapeHtml(input.repository)}</title>`,
    `<desc id="${descId}">Labels removed and milestones set by the enforce engine on each day from ${window[0] ?? ""} to ${window[window.length - 1] ?? ""}.</desc>`,
  ];
  window.forEach((day, index) => {
    const activity = byDay.get(day)?.enforcement;
    if (!activity) return;
    ENFORCEMENT_SERIES.forEach((series, position) => {
      const value = activity[series.key];
      if (value === 0) return;
      const x = LEFT + index * slot + slot * 0.1 + position * barWidth;
      const h = value * unit;
      parts.push(
        `<rect x="${fmt(x)}" y="${fmt(axisY - h)}" width="${fmt(barWidth)}" height="${fmt(h)}" fill="${series.colour}"><title>${day}: ${value} ${series.label}</title></rect>`,
      );
    });
  });
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${fmt(axisY)}" y2="${fmt(axisY)}"/>`,
    `<text class="tick" x="${LEFT - 6}" y="${fmt(TOP + 4)}" text-anchor="end">${max}</text>`,
    `<text class="tick" x="${LEFT - 6}" y="${fmt(axisY + 4)}" text-anchor="end">0</text>`,
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
