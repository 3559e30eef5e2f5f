import type { BranchProtectionFact } from "../telemetry/branch-protection-fact.js";
import type { RunPlan } from "./run-plan.js";

/**
 * What preflight learned, as data. `gatherPreflightFacts` collects it with read-only requests;
 * `evaluatePreflight` turns it into checks without any I/O, so every verdict is unit-testable.
 */

/** The registry's answer for the target, reduced to what preflight records. */
export interface RegistryAnswer {
  readonly outcome: string;
  readonly reason: string;
  readonly registry_sha: string;
  readonly context?: string;
  readonly state?: string;
  readonly telemetry_repo?: string;
}

export type RegistryFact =
  | { readonly kind: "resolved"; readonly answer: RegistryAnswer; readonly source: string }
  /** The registry could not be read at all (missing infra repo, HTTP error): not the same as "not registered". */
  | { readonly kind: "unreadable"; readonly reason: string; readonly source: string };

/** Access a token has on a repository, as far as it could be established without writing. */
export interface RepoAccess {
  readonly contents: "none" | "read" | "write";
  readonly issues: "none" | "read" | "write";
}

export type RepoFact =
  | { readonly kind: "found"; readonly access: RepoAccess; readonly default_branch: string }
  | { readonly kind: "missing"; readonly status: number }
  | { readonly kind: "error"; readonly status: number | undefined; readonly message: string }
  /** Not probed, because an earlier fact made the probe meaningless (e.g. no telemetry repo known). */
  | { readonly kind: "skipped"; readonly because: string };

export type ConfigFact =
  | { readonly kind: "present"; readonly path: string; readonly ref: string | undefined }
  | { readonly kind: "absent"; readonly path: string; readonly ref: string | undefined }
  | {
      readonly kind: "error";
      readonly path: string;
      readonly status: number | undefined;
      readonly message: string;
    }
  | { readonly kind: "not-needed" }
  | { readonly kind: "skipped"; readonly because: string };

/**
 * What is known about the token used on one repository. Installation tokens come with an exact grant;
 * a plain token (`GITHUB_TOKEN`) cannot be narrowed, so its access is read from the repository's
 * `permissions`; a refused mint (App not installed, permission not granted) is a fact too.
 */
export type GrantFact =
  | { readonly kind: "plain" }
  | {
      readonly kind: "granted";
      readonly permissions: Readonly<Record<string, string>>;
      /** Repository names covered; undefined when the installation covers all of the owner's. */
      readonly repositories: readonly string[] | undefined;
    }
  | { readonly kind: "refused"; readonly status: number | undefined; readonly message: string };

export interface TokenFacts {
  /** The token for the target repository, minted with the union of the run's engines' needs. */
  readonly target: GrantFact;
  /** The token for the telemetry repository (records, and the dashboard engine's writes). */
  readonly telemetry: GrantFact;
}

/** The parts of a run plan preflight looks at. */
export type PreflightPlan = Pick<
  RunPlan,
  | "target_repo"
  | "mode"
  | "engines"
  | "engine_ref"
  | "runtime_mode"
  | "engine_ref_policy"
  | "correlation_id"
  | "config_ref"
>;

export interface PreflightFacts {
  readonly plan: PreflightPlan;
  readonly registry: RegistryFact;
  /** The telemetry repository preflight resolved and checked (from the registry), if any. */
  readonly telemetry_repo: string | undefined;
  readonly target: RepoFact;
  readonly telemetry: RepoFact;
  /** Whether the telemetry repository's default branch is protected (a WARN when not). */
  readonly telemetry_protection: BranchProtectionFact;
  readonly token: TokenFacts;
  readonly config: ConfigFact;
}
