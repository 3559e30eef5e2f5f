import { protectionWarning } from "../telemetry/branch-protection-fact.js";
import type { Check, EngineResult } from "./engine.js";
import { combinedAccess, covers, type AccessLevels, type Level } from "./engine-access.js";
import type { GrantFact, PreflightFacts, RepoAccess, RepoFact } from "./preflight-facts.js";
import { sameOwner, sameRepo } from "./repo-name.js";
import type { RunMode } from "./run-plan.js";

/** Modes whose engines act on the host config, so the config must exist before they start. */
export const MODES_NEEDING_CONFIG: readonly RunMode[] = ["materialize", "enforce"];

/** The preflight check ids, in the order they appear in every preflight result. */
export const PREFLIGHT_CHECK_IDS = [
  "registry.resolve",
  "target.access",
  "telemetry.resolve",
  "telemetry.access",
  "telemetry.protection",
  "token.scope",
  "engine_ref.policy",
  "eligibility",
] as const;

export interface PreflightVerdict {
  readonly ok: boolean;
  /** Every failing check as `id: why`, joined; null when ok. */
  readonly reason: string | null;
  /** The record's `details`. */
  readonly result: EngineResult;
  /**
   * Where preflight's own record can be written: the resolved telemetry repository when it is in the
   * target's org and the token may write it; undefined otherwise (the failure is printed instead).
   */
  readonly record_repo: string | undefined;
  /** The telemetry repository the engines will use (only meaningful when ok). */
  readonly telemetry_repo: string | undefined;
}

interface Verdict {
  pass: boolean;
  /** A passing check that reports a risk (outcome WARN); it never fails the run. */
  warn?: boolean;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Preflight's checks (issue 5; seed step 2), all evaluated, all in the result, in a fixed order.
 * Only an ELIGIBLE registry answer passes `registry.resolve`; anything not established counts as a
 * failure (a check that could not be evaluated says why). Pure.
 *
 * @example evaluatePreflight(facts, { version: "0.1.0" }).ok
 */
export function evaluatePreflight(facts: PreflightFacts, options: { version: string }): PreflightVerdict {
  const { plan } = facts;
  const verdicts: Record<(typeof PREFLIGHT_CHECK_IDS)[number], Verdict> = {
    "registry.resolve": registryResolve(facts),
    "target.access": repoAccess(facts.target, plan.target_repo, "target repository"),
    "telemetry.resolve": telemetryResolve(facts),
    "telemetry.access": telemetryAccess(facts),
    "telemetry.protection": telemetryProtection(facts),
    "token.scope": tokenScope(facts),
    "engine_ref.policy": plan.engine_ref_policy.ok
      ? {
          pass: true,
          message: `engine_ref ${plan.engine_ref} is allowed in ${plan.runtime_mode} mode`,
          details: { engine_ref: plan.engine_ref, runtime_mode: plan.runtime_mode },
        }
      : {
          pass: false,
          message: plan.engine_ref_policy.reason,
          details: {
            engine_ref: plan.engine_ref,
            runtime_mode: plan.runtime_mode,
            hint: plan.engine_ref_policy.hint,
          },
        },
    eligibility: eligibility(facts),
  };
  const checks: Check[] = PREFLIGHT_CHECK_IDS.map((id) => ({
    id,
    outcome: !verdicts[id].pass ? "FAIL" : verdicts[id].warn === true ? "WARN" : "PASS",
    details: { message: verdicts[id].message, ...verdicts[id].details },
  }));
  const failures = PREFLIGHT_CHECK_IDS.filter((id) => !verdicts[id].pass);
  const ok = failures.length === 0;
  const reason = ok ? null : failures.map((id) => `${id}: ${verdicts[id].message}`).join("; ");
  const summary = ok
    ? `preflight passed for ${plan.target_repo} (${plan.mode}): ${verdicts["registry.resolve"].message}`
    : `preflight failed for ${plan.target_repo}: ${failures[0]}: ${verdicts[failures[0]].message}${
        failures.length > 1
          ? ` (and ${failures.length - 1} more failed check${failures.length > 2 ? "s" : ""})`
          : ""
      }`;
  const resolvedTelemetry = verdicts["telemetry.resolve"].pass ? facts.telemetry_repo : undefined;
  const registry =
    facts.registry.kind === "resolved"
      ? {
          outcome: facts.registry.answer.outcome,
          registry_sha: facts.registry.answer.registry_sha,
          source: facts.registry.source,
          ...(facts.registry.answer.context === undefined ? {} : { context: facts.registry.answer.context }),
          ...(facts.registry.answer.state === undefined ? {} : { state: facts.registry.answer.state }),
        }
      : { outcome: "UNREADABLE", source: facts.registry.source };
  return {
    ok,
    reason,
    result: {
      tool: "task-assistant-preflight",
      version: options.version,
      ok,
      summary,
      checks,
      actions: [],
      plan: {
        mode: plan.mode,
        engines: [...plan.engines],
        engine_ref: plan.engine_ref,
        runtime_mode: plan.runtime_mode,
        ...(plan.config_ref === undefined ? {} : { config_ref: plan.config_ref }),
      },
      registry,
      ...(resolvedTelemetry === undefined ? {} : { telemetry_repo: resolvedTelemetry }),
    },
    record_repo:
      resolvedTelemetry !== undefined && verdicts["telemetry.access"].pass ? resolvedTelemetry : undefined,
    telemetry_repo: resolvedTelemetry,
  };
}

function registryResolve(facts: PreflightFacts): Verdict {
  if (facts.registry.kind === "unreadable")
    return {
      pass: false,
      message: `registry unreadable (${facts.registry.source}): ${facts.registry.reason}`,
    };
  const { answer } = facts.registry;
  return {
    pass: answer.outcome === "ELIGIBLE",
    message: answer.outcome === "ELIGIBLE" ? answer.reason : `${answer.outcome}: ${answer.reason}`,
    details: { outcome: answer.outcome, registry_sha: answer.registry_sha },
  };
}

function repoAccess(fact: RepoFact, fullName: string, what: string): Verdict {
  switch (fact.kind) {
    case "found":
      return {
        pass: true,
        message: `${what} ${fullName} is accessible`,
        details: { default_branch: fact.default_branch },
      };
    case "missing":
      return {
        pass: false,
        message: `${what} ${fullName} does not exist or the run's token cannot see it (HTTP ${fact.status})`,
      };
    case "error":
      return {
        pass: false,
        message: `${what} ${fullName} could not be read${fact.status === undefined ? "" : ` (HTTP ${fact.status})`}: ${fact.message}`,
      };
    case "skipped":
      return { pass: false, message: `not checked: ${fact.because}` };
  }
}

function telemetryResolve(facts: PreflightFacts): Verdict {
  const target = facts.plan.target_repo;
  const telemetry = facts.telemetry_repo;
  if (telemetry === undefined) {
    const why =
      facts.registry.kind === "unreadable"
        ? "the registry could not be read"
        : `the registry names no telemetry repository for ${target.split("/")[0]} (${facts.registry.answer.outcome})`;
    return { pass: false, message: `no telemetry repository: ${why}` };
  }
  if (!sameOwner(telemetry, target))
    return {
      pass: false,
      message: `telemetry repository ${telemetry} is in another org than ${target}; cross-org telemetry is forbidden`,
    };
  if (sameRepo(telemetry, target))
    return { pass: false, message: `telemetry repository ${telemetry} is the monitored repository itself` };
  return { pass: true, message: `telemetry goes to ${telemetry}`, details: { telemetry_repo: telemetry } };
}

function telemetryAccess(facts: PreflightFacts): Verdict {
  const telemetry = facts.telemetry_repo;
  if (telemetry === undefined)
    return { pass: false, message: "not checked: no telemetry repository resolved" };
  const found = repoAccess(facts.telemetry, telemetry, "telemetry repository");
  if (!found.pass || facts.telemetry.kind !== "found") return found;
  const contents = effectiveAccess(facts.token.telemetry, facts.telemetry.access, telemetry).contents;
  if (!covers(contents, "write"))
    return {
      pass: false,
      message: `the run's token may not write contents of ${telemetry} (has ${contents}); records could not be written`,
      details: { contents },
    };
  return {
    pass: true,
    message: `${telemetry} exists and the run's token may write its contents`,
    details: { contents },
  };
}

function telemetryProtection(facts: PreflightFacts): Verdict {
  const fact = facts.telemetry_protection;
  if (fact.kind === "skipped") return { pass: true, message: `not checked: ${fact.because}` };
  const warning = protectionWarning(fact, facts.telemetry_repo ?? "the telemetry repository");
  if (warning !== undefined)
    return { pass: true, warn: true, message: warning, details: { branch: fact.branch } };
  return {
    pass: true,
    message: `${fact.branch} of ${facts.telemetry_repo ?? "the telemetry repository"} is protected`,
    details: { branch: fact.branch },
  };
}

function tokenScope(facts: PreflightFacts): Verdict {
  const needs = combinedAccess(facts.plan.engines);
  const details = { needs, engines: [...facts.plan.engines], token: facts.token.target.kind };
  const refused = [facts.token.target, facts.token.telemetry].flatMap((grant) =>
    grant.kind === "refused" ? [grant.message] : [],
  );
  if (refused.length > 0) return { pass: false, message: refused.join("; "), details };
  const shortfalls: string[] = [];
  const unverified: string[] = [];
  const compare = (fact: RepoFact, grant: GrantFact, fullName: string | undefined, need: AccessLevels) => {
    if (fullName === undefined || fact.kind !== "found") {
      if (need.issues !== "none" || need.contents !== "none")
        unverified.push(fullName ?? "the telemetry repository");
      return;
    }
    const has = effectiveAccess(grant, fact.access, fullName);
    for (const permission of ["issues", "contents"] as const) {
      if (!covers(has[permission], need[permission]))
        shortfalls.push(`${permission}:${need[permission]} on ${fullName} (has ${has[permission]})`);
    }
  };
  compare(facts.target, facts.token.target, facts.plan.target_repo, needs.target);
  compare(facts.telemetry, facts.token.telemetry, facts.telemetry_repo, needs.telemetry);
  if (shortfalls.length > 0)
    return { pass: false, message: `the run's token lacks ${shortfalls.join(", ")}`, details };
  if (unverified.length > 0)
    return { pass: false, message: `not verified: ${unverified.join(" and ")} not accessible`, details };
  return {
    pass: true,
    message: `the run's tokens cover what ${facts.plan.engines.join(", ")} need`,
    details,
  };
}

function eligibility(facts: PreflightFacts): Verdict {
  const { config, plan } = facts;
  switch (config.kind) {
    case "not-needed":
      return { pass: true, message: `${plan.mode} does not need the host config before it starts` };
    case "present":
      return {
        pass: true,
        message: `${plan.target_repo} has ${config.path}${config.ref === undefined ? "" : ` at ${config.ref}`}`,
      };
    case "absent":
      return {
        pass: false,
        message: `${plan.target_repo} has no ${config.path}${config.ref === undefined ? "" : ` at ${config.ref}`}; ${plan.mode} needs it (install it with \`task-assistant install\`)`,
      };
    case "error":
      return {
        pass: false,
        message: `${config.path} could not be read${config.status === undefined ? "" : ` (HTTP ${config.status})`}: ${config.message}`,
      };
    case "skipped":
      return { pass: false, message: `not checked: ${config.because}` };
  }
}

/**
 * What a token may do on a repository: an installation token's grant when known (it is exact),
 * otherwise the repository's `permissions` as GitHub reported them for this token.
 */
function effectiveAccess(grant: GrantFact, reported: RepoAccess, fullName: string): RepoAccess {
  if (grant.kind !== "granted") return reported;
  const name = fullName.split("/")[1].toLowerCase();
  if (grant.repositories !== undefined && !grant.repositories.some((repo) => repo.toLowerCase() === name))
    return { contents: "none", issues: "none" };
  const level = (value: string | undefined): Level =>
    value === "write" ? "write" : value === "read" ? "read" : "none";
  return { contents: level(grant.permissions.contents), issues: level(grant.permissions.issues) };
}
