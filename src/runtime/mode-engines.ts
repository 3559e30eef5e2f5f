import type { EngineName } from "./engine.js";
import type { RunMode } from "./run-plan.js";

const ENGINES_BY_MODE: Readonly<Record<RunMode, readonly EngineName[]>> = {
  validate: ["preflight", "validate"],
  materialize: ["preflight", "materialize"],
  enforce: ["preflight", "enforce"],
  reconcile: ["preflight", "reconcile"],
  "self-test": ["preflight", "self-test", "dashboard"],
};

/**
 * The engines a mode runs, in order (DESIGN §5.4). Preflight is always first, so nothing can run
 * ahead of it.
 *
 * @example enginesForMode("self-test") // ["preflight", "self-test", "dashboard"]
 */
export function enginesForMode(mode: RunMode): readonly EngineName[] {
  return ENGINES_BY_MODE[mode];
}
