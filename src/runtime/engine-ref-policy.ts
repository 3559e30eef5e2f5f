import type { EngineRefVerdict, RuntimeMode } from "./run-plan.js";

/** `vMAJOR.MINOR.PATCH` with an optional semver pre-release (`v1.4.0`, `v2.0.0-rc.1`). */
export const RELEASE_TAG_PATTERN =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?$/;

/** A full commit SHA, as GitHub prints it. */
export const COMMIT_SHA_PATTERN = /^[0-9a-f]{40}$/;

/**
 * Whether `ref` could name a git ref or commit at all (git-check-ref-format's rules, plus no leading
 * `-` so it can never be read as a flag). Any ref that fails this is refused in every runtime mode.
 */
export function isWellFormedRef(ref: string): boolean {
  if (ref === "" || ref.length > 255 || ref.startsWith("-") || ref.startsWith("/") || ref.endsWith("/"))
    return false;
  if (ref.endsWith(".") || ref.endsWith(".lock") || ref === "@") return false;
  if (ref.includes("..") || ref.includes("//") || ref.includes("@{")) return false;
  if ([...ref].some((char) => char <= " " || char === "\x7f" || "~^:?*[\\".includes(char))) return false;
  return ref.split("/").every((part) => !part.startsWith("."));
}

/**
 * The engine_ref policy (DESIGN §5.4, seed §3). In `marketplace` mode only an immutable release tag or
 * a full commit SHA may run, so the executed code is exactly what the ref names; a branch such as
 * `main` floats and is refused. `development` mode accepts any well-formed ref (the records carry it).
 *
 * @example checkEngineRef("main", "marketplace").ok === false
 */
export function checkEngineRef(ref: string, runtimeMode: RuntimeMode): EngineRefVerdict {
  if (!isWellFormedRef(ref)) {
    return {
      ok: false,
      reason: `engine_ref ${JSON.stringify(ref)} is not a valid git ref`,
      hint: "pass a release tag such as v1.4.0 or a 40-character commit SHA",
    };
  }
  if (runtimeMode === "development") return { ok: true };
  if (RELEASE_TAG_PATTERN.test(ref) || COMMIT_SHA_PATTERN.test(ref)) return { ok: true };
  return {
    ok: false,
    reason: `engine_ref ${JSON.stringify(ref)} is not a release tag (vX.Y.Z[-pre]) or a 40-hex commit SHA; marketplace runs never use floating refs`,
    hint: /^[0-9A-F]{40}$/i.test(ref)
      ? "write the commit SHA in lower case"
      : "pin a release tag such as v1.4.0 or a full commit SHA, or use --runtime-mode development for a branch",
  };
}
