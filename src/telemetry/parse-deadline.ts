/**
 * Reads a write deadline as people write it: `10m`, `90s`, `1500ms`, or a bare number of seconds.
 * Pure. Returns the milliseconds, or undefined when the text is not a positive duration.
 *
 * @example parseDeadline("10m") // 600000
 */
export function parseDeadline(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "s").toLowerCase();
  const factor = unit === "ms" ? 1 : unit === "s" ? 1_000 : unit === "h" ? 3_600_000 : 60_000;
  const ms = Math.round(value * factor);
  return ms > 0 ? ms : undefined;
}
