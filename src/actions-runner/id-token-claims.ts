/** What the runner knows about a job that GitHub puts into its OIDC token. */
export interface IdTokenJobFacts {
  repository: string;
  repositoryId: number;
  repositoryOwnerId: number;
  repositoryVisibility: "public" | "private" | "internal";
  actor: string;
  actorId: number;
  eventName: string;
  /** `refs/heads/main`, `refs/tags/v1`, `refs/pull/7/merge`. */
  ref: string;
  sha: string;
  baseRef: string;
  headRef: string;
  runId: number;
  runNumber: number;
  runAttempt: number;
  /** The workflow's `name:` (or its path when unnamed). */
  workflow: string;
  /** The workflow the event started: `owner/repo/.github/workflows/x.yml@refs/heads/main`. */
  workflowRef: string;
  workflowSha: string;
  /** The workflow file this job is defined in (a reusable one for a called job), same form. */
  jobWorkflowRef: string;
  jobWorkflowSha: string;
  environment?: string;
  runnerEnvironment: "github-hosted" | "self-hosted";
}

/**
 * The claims GitHub's OIDC issuer puts into a job's ID token (the issuer adds `iss`, `aud`, `iat`,
 * `nbf`, `exp`, `jti`). Numbers are strings, as GitHub sends them; `sub` follows GitHub's default
 * template: the environment, else `pull_request`, else the ref.
 *
 * @example idTokenClaims(facts).job_workflow_ref // "acme/app/.github/workflows/engine.yml@refs/tags/v1.0.0"
 */
export function idTokenClaims(facts: IdTokenJobFacts): Record<string, string> {
  const subject =
    facts.environment !== undefined
      ? `environment:${facts.environment}`
      : facts.eventName === "pull_request" || facts.eventName === "pull_request_target"
        ? "pull_request"
        : `ref:${facts.ref}`;
  const refType = facts.ref.startsWith("refs/tags/") ? "tag" : "branch";
  const claims: Record<string, string> = {
    sub: `repo:${facts.repository}:${subject}`,
    ref: facts.ref,
    ref_type: refType,
    sha: facts.sha,
    repository: facts.repository,
    repository_id: String(facts.repositoryId),
    repository_owner: facts.repository.split("/")[0] ?? "",
    repository_owner_id: String(facts.repositoryOwnerId),
    repository_visibility: facts.repositoryVisibility,
    actor: facts.actor,
    actor_id: String(facts.actorId),
    event_name: facts.eventName,
    base_ref: facts.baseRef,
    head_ref: facts.headRef,
    run_id: String(facts.runId),
    run_number: String(facts.runNumber),
    run_attempt: String(facts.runAttempt),
    workflow: facts.workflow,
    workflow_ref: facts.workflowRef,
    workflow_sha: facts.workflowSha,
    job_workflow_ref: facts.jobWorkflowRef,
    job_workflow_sha: facts.jobWorkflowSha,
    runner_environment: facts.runnerEnvironment,
  };
  if (facts.environment !== undefined) claims.environment = facts.environment;
  return claims;
}
