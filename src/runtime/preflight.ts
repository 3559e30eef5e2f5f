import { ExternalError } from "../errors.js";
import type { BranchProtectionFact } from "../telemetry/branch-protection-fact.js";
import { probeBranchProtection } from "../telemetry/probe-branch-protection.js";
import { combinedAccess, type AccessLevels } from "./engine-access.js";
import { evaluatePreflight, MODES_NEEDING_CONFIG, type PreflightVerdict } from "./evaluate-preflight.js";
import type { GrantFact, PreflightFacts, PreflightPlan, RegistryFact, RepoFact } from "./preflight-facts.js";
import { probeFile, probeRepo } from "./probe-repo.js";
import type { LoadedRegistry } from "./registry-source.js";
import { sameOwner, sameRepo } from "./repo-name.js";
import { HOST_CONFIG_PATH } from "./route-event.js";
import type { RepoClient, RunCredentials } from "./run-credentials.js";

export interface PreflightInput {
  readonly plan: PreflightPlan;
  /** The registry, already read from its source (file or infra repository). */
  readonly registry: LoadedRegistry;
  readonly credentials: RunCredentials;
  /** Version of this build, recorded as the result's `version`. */
  readonly version: string;
}

export interface PreflightOutcome extends PreflightVerdict {
  readonly facts: PreflightFacts;
  /** The client for the telemetry repository (record writes), when one could be issued. */
  readonly telemetry_client: RepoClient | undefined;
}

/**
 * Preflight (seed step 2): establishes the run's invariants with read-only requests only (the
 * registry, the target and telemetry repositories, the host config where the mode needs it) and
 * evaluates every check. It writes nothing; the runner writes its record.
 */
export async function runPreflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { plan, credentials } = input;
  const registry = registryFact(input.registry, plan.target_repo);
  const answer = registry.kind === "resolved" ? registry.answer : undefined;
  const telemetryRepo = answer?.telemetry_repo;
  const [owner, targetName] = plan.target_repo.split("/");
  const needs = combinedAccess(plan.engines);

  const targetClient = await tryClient(credentials, owner, [targetName], needs.target);
  const telemetryClient: ClientAttempt =
    telemetryRepo !== undefined && sameOwner(telemetryRepo, owner)
      ? await tryClient(credentials, owner, [telemetryRepo.split("/")[1]], needs.telemetry)
      : { kind: "none", because: "no telemetry repository in the target's org was resolved" };

  const [target, telemetry] = await Promise.all([
    probeWith(targetClient, plan.target_repo),
    probeWith(telemetryClient, telemetryRepo ?? ""),
  ]);

  // The host config and, with one read, whether the telemetry branch is protected: side by side.
  const [config, telemetryProtection] = await Promise.all([
    configFact(plan, target, targetClient),
    telemetry.kind === "found" && telemetryClient.kind === "client" && telemetryRepo !== undefined
      ? probeBranchProtection(
          telemetryClient.client.github,
          { owner, repo: telemetryRepo.split("/")[1] },
          telemetry.default_branch,
        )
      : Promise.resolve<BranchProtectionFact>({
          kind: "skipped",
          because: "the telemetry repository is not accessible",
        }),
  ]);

  const facts: PreflightFacts = {
    plan,
    registry,
    telemetry_repo: telemetryRepo,
    target,
    telemetry,
    telemetry_protection: telemetryProtection,
    token: { target: grantOf(targetClient), telemetry: grantOf(telemetryClient) },
    config,
  };
  const verdict = evaluatePreflight(facts, { version: input.version });
  return {
    ...verdict,
    facts,
    telemetry_client: telemetryClient.kind === "client" ? telemetryClient.client : undefined,
  };
}

function configFact(
  plan: PreflightPlan,
  target: RepoFact,
  targetClient: ClientAttempt,
): Promise<PreflightFacts["config"]> {
  if (!MODES_NEEDING_CONFIG.includes(plan.mode)) return Promise.resolve({ kind: "not-needed" });
  if (target.kind !== "found" || targetClient.kind !== "client")
    return Promise.resolve({ kind: "skipped", because: `${plan.target_repo} is not accessible` });
  return probeFile(targetClient.client.github, plan.target_repo, HOST_CONFIG_PATH, plan.config_ref);
}

function registryFact(loaded: LoadedRegistry, targetRepo: string): RegistryFact {
  if (loaded.kind === "unreadable")
    return { kind: "unreadable", reason: loaded.reason, source: loaded.source };
  if (loaded.kind === "answered") {
    return sameRepo(loaded.repo, targetRepo)
      ? { kind: "resolved", source: loaded.source, answer: loaded.answer }
      : {
          kind: "unreadable",
          reason: `the answer is for ${loaded.repo}, not ${targetRepo}`,
          source: loaded.source,
        };
  }
  const resolution = loaded.snapshot.resolve(targetRepo);
  return {
    kind: "resolved",
    source: loaded.source,
    answer: {
      outcome: resolution.outcome,
      reason: resolution.reason,
      registry_sha: resolution.registry_sha,
      ...(resolution.context === undefined ? {} : { context: resolution.context }),
      ...(resolution.state === undefined ? {} : { state: resolution.state }),
      ...(resolution.telemetry_repo === undefined ? {} : { telemetry_repo: resolution.telemetry_repo }),
    },
  };
}

type ClientAttempt =
  | { readonly kind: "client"; readonly client: RepoClient }
  | Extract<GrantFact, { kind: "refused" }>
  | { readonly kind: "none"; readonly because: string };

async function tryClient(
  credentials: RunCredentials,
  owner: string,
  repositories: string[],
  access: AccessLevels,
): Promise<ClientAttempt> {
  try {
    return { kind: "client", client: await credentials.clientFor(owner, repositories, access) };
  } catch (error) {
    if (!(error instanceof ExternalError)) throw error;
    return { kind: "refused", status: error.status, message: error.message };
  }
}

function probeWith(attempt: ClientAttempt, fullName: string): Promise<RepoFact> {
  switch (attempt.kind) {
    case "client":
      return probeRepo(attempt.client.github, fullName);
    case "refused":
      return Promise.resolve({ kind: "skipped", because: `no token for ${fullName}: ${attempt.message}` });
    case "none":
      return Promise.resolve({ kind: "skipped", because: attempt.because });
  }
}

function grantOf(attempt: ClientAttempt): GrantFact {
  switch (attempt.kind) {
    case "client":
      return attempt.client.grant;
    case "refused":
      return attempt;
    case "none":
      return { kind: "plain" };
  }
}
