import { randomBytes } from "node:crypto";
import type { Clock } from "../util/clock.js";
import { encodeUlid } from "./ulid.js";

/** The local driver's correlation id source: a ULID from the given clock and the system's randomness. */
export function ulidSource(clock: Clock): () => string {
  return () => encodeUlid(clock.now().getTime(), randomBytes(10));
}
