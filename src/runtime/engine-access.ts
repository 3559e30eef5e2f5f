import type { EngineName, EnginePermissions } from "./engine.js";

/**
 * What each engine's own code may do, on the target repository and on its org's telemetry
 * repository. Writing an engine's record is not the engine's business: the runner does it with a
 * separate token that reaches only the telemetry repository (`RECORD_ACCESS`). This is the runtime's
 * least-privilege policy: tokens are narrowed to it, preflight checks the run's token against it, and
 * a test holds every engine's declared `permissions` within it.
 */
export interface EngineAccess {
  /** On the target repository (reads of `.github/task-assistant.yml`, issue writes). */
  readonly target: EnginePermissions;
  /** On the telemetry repository, beyond the record the runner writes. */
  readonly telemetry: EnginePermissions;
}

export const ENGINE_ACCESS: Readonly<Record<EngineName, EngineAccess>> = {
  preflight: { target: { contents: "read" }, telemetry: {} },
  validate: { target: { contents: "read", issues: "read" }, telemetry: {} },
  materialize: { target: { contents: "read", issues: "write" }, telemetry: {} },
  enforce: { target: { contents: "read", issues: "write" }, telemetry: {} },
  // Reconcile resumes from its own last record, so it also reads the telemetry repository.
  reconcile: { target: { contents: "read", issues: "write" }, telemetry: { contents: "read" } },
  "self-test": { target: { contents: "read", issues: "read" }, telemetry: {} },
  // The dashboard engine reads the org's raw records and writes the derived dashboards beside them.
  dashboard: { target: {}, telemetry: { contents: "write" } },
};

/** What writing a record takes: contents write on the telemetry repository, nothing on the target. */
export const RECORD_ACCESS: EnginePermissions = { contents: "write" };

export type Level = "none" | "read" | "write";

export type AccessLevels = Record<"issues" | "contents", Level>;

const RANK: Readonly<Record<Level, number>> = { none: 0, read: 1, write: 2 };

/** The larger of two access levels. */
export function maxLevel(a: Level, b: Level): Level {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether `granted` covers `needed`. */
export function covers(granted: Level, needed: Level): boolean {
  return RANK[granted] >= RANK[needed];
}

/** Levels for both permissions of a declaration (absent = none). */
export function levelsOf(permissions: EnginePermissions): AccessLevels {
  return { issues: permissions.issues ?? "none", contents: permissions.contents ?? "none" };
}

/**
 * What one run needs in all: the union of its engines' needs, plus the runner's record writes on the
 * telemetry repository.
 */
export function combinedAccess(engines: readonly EngineName[]): {
  target: AccessLevels;
  telemetry: AccessLevels;
} {
  const target = levelsOf({});
  const telemetry = levelsOf(RECORD_ACCESS);
  for (const name of engines) {
    const access = ENGINE_ACCESS[name];
    for (const permission of ["issues", "contents"] as const) {
      target[permission] = maxLevel(target[permission], access.target[permission] ?? "none");
      telemetry[permission] = maxLevel(telemetry[permission], access.telemetry[permission] ?? "none");
    }
  }
  return { target, telemetry };
}

/** GitHub App permission names for a level map, dropping `none` (what a token request asks for). */
export function asTokenPermissions(levels: AccessLevels): Record<string, "read" | "write"> {
  const permissions: Record<string, "read" | "write"> = {};
  for (const permission of ["contents", "issues"] as const) {
    const level = levels[permission];
    if (level !== "none") permissions[permission] = level;
  }
  return permissions;
}
