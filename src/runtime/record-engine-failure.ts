import { ImmutableRecordConflict } from "../errors.js";
import { failureOutcome } from "../telemetry/result-outcome.js";
import type { EngineName } from "./engine.js";
import { writeOutcome, type EngineOutcome, type EngineRunDeps } from "./run-engine.js";
import type { RunPlan } from "./run-plan.js";

/** What `recordEngineFailure` found or did. */
export type RecordedFailure =
  | { readonly kind: "recorded"; readonly outcome: EngineOutcome }
  /** The engine had already written its own record (ok or not); it stands. */
  | { readonly kind: "already-recorded" }
  | { readonly kind: "failed"; readonly error: string };

/**
 * Gives an engine whose process did not finish — it crashed, was cancelled or its job timed out —
 * its ok=false record, unless it wrote its own first (DESIGN §5.7: one record per engine on every exit
 * path). The stand-in record can only be created, never replace one: if the engine's own record is
 * already there, emit-engine reports a conflict, which here means "already recorded".
 */
export async function recordEngineFailure(
  name: EngineName,
  reason: string,
  run: Pick<RunPlan, "target_repo" | "correlation_id" | "engine_ref">,
  telemetryRepo: string,
  deps: Pick<EngineRunDeps, "recordClient" | "writer" | "clock" | "source" | "version">,
): Promise<RecordedFailure> {
  const outcome = failureOutcome({ engine_name: name, version: deps.version }, reason, "engine.completed");
  let conflict = false;
  const writer = {
    write: async (...args: Parameters<typeof deps.writer.write>) => {
      try {
        return await deps.writer.write(...args);
      } catch (error) {
        if (error instanceof ImmutableRecordConflict) conflict = true;
        throw error;
      }
    },
  };
  const written = await writeOutcome(name, outcome, run, telemetryRepo, { ...deps, writer });
  if (conflict) return { kind: "already-recorded" };
  if (written.record === "failed") return { kind: "failed", error: written.record_error ?? "" };
  return { kind: "recorded", outcome: written };
}
