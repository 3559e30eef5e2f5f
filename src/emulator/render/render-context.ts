import type { EmulatorState } from "../state/emulator-state.js";

/** What every renderer needs: the state (to resolve ids) and the server's base URL (API, HTML and git). */
export interface RenderContext {
  state: EmulatorState;
  /** `http://127.0.0.1:PORT`: REST, HTML and git share the one origin. */
  baseUrl: string;
}

/** GitHub's timestamp format: ISO 8601 in UTC, to the second. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A global node id in GitHub's legacy form (`base64("04:User1")`). */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}
