import { PolicyError } from "../errors.js";

export interface SandboxResolution {
  readonly outcome: string;
  readonly reason: string;
  readonly context?: string;
  readonly state?: string;
}

/**
 * Sandbox reset is destructive, so the registry must say, explicitly, that the repository is an
 * enabled sandbox (seed §9: sandboxes "must be explicitly reset"; nothing is inferred from names).
 * Anything else is refused with the registry's own words.
 */
export function assertResettableSandbox(repo: string, resolution: SandboxResolution): void {
  if (resolution.outcome === "ELIGIBLE" && resolution.context === "sandbox") return;
  if (resolution.outcome === "ELIGIBLE") {
    throw new PolicyError(
      `${repo} is registered with context ${resolution.context ?? "(none)"}; sandbox reset only touches repositories registered as sandbox`,
      { hint: "production repositories are never reset; check the repository name" },
    );
  }
  if (resolution.outcome === "DISABLED") {
    throw new PolicyError(
      `${repo} is disabled in the registry; sandbox reset refuses disabled repositories`,
      {
        hint: "enable it through the infra PR flow first (task-assistant infra enable ...) if it should be reset",
      },
    );
  }
  throw new PolicyError(`${repo} cannot be reset: ${resolution.outcome}: ${resolution.reason}`, {
    hint: "only repositories registered as sandbox and enabled can be reset",
  });
}
