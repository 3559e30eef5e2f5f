/**
 * Appends one reference token to a JSON pointer (RFC 6901), escaping `~` and `/` so that keys such
 * as `track/sprint` stay one segment.
 *
 * @example pointerJoin("/enforcement/phase_milestones", "phase-1") === "/enforcement/phase_milestones/phase-1"
 */
export function pointerJoin(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}
