import { refuse, type Refusal } from "./refusal.js";

/** The claims of a verified GitHub Actions OIDC token that the broker decides on. */
export interface JobClaims {
  readonly jti: string;
  readonly exp: number;
  readonly sub: string;
  /** `owner/repo` of the workflow run: the calling (host) repository. */
  readonly repository: string;
  readonly repository_id: string;
  readonly repository_owner: string;
  readonly repository_owner_id: string;
  /** `<app repo>/.github/workflows/engine-<name>.yml@<ref>`: the reusable workflow the job runs. */
  readonly job_workflow_ref: string;
  /** The commit of that workflow file. */
  readonly job_workflow_sha: string;
  readonly event_name: string;
  /** `github-hosted` or `self-hosted` (absent on old tokens: treated as self-hosted). */
  readonly runner_environment: string;
}

const STRING_CLAIMS = [
  "jti",
  "sub",
  "repository",
  "repository_owner",
  "job_workflow_ref",
  "job_workflow_sha",
  "event_name",
] as const;
const ID_CLAIMS = ["repository_id", "repository_owner_id"] as const;

/**
 * The broker's claims from a verified payload (pure). GitHub sends ids as decimal strings; numbers
 * are accepted too. A missing or mistyped claim is `token_claims`, naming the claim.
 */
export function readJobClaims(payload: Readonly<Record<string, unknown>>): JobClaims | Refusal {
  for (const name of STRING_CLAIMS) {
    const value = payload[name];
    if (typeof value !== "string" || value === "")
      return refuse(
        "token_claims",
        `the OIDC token has no "${name}" claim; it is not a GitHub Actions job token`,
      );
  }
  const ids: Record<string, string> = {};
  for (const name of ID_CLAIMS) {
    const value = payload[name];
    const text = typeof value === "number" && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text !== "string" || !/^[1-9]\d{0,19}$/.test(text))
      return refuse("token_claims", `the OIDC token's "${name}" claim is not a numeric id`);
    ids[name] = text;
  }
  if (typeof payload.exp !== "number") return refuse("token_claims", 'the OIDC token has no "exp" claim');
  const runner = payload.runner_environment;
  return {
    jti: payload.jti as string,
    exp: payload.exp,
    sub: payload.sub as string,
    repository: payload.repository as string,
    repository_id: ids.repository_id,
    repository_owner: payload.repository_owner as string,
    repository_owner_id: ids.repository_owner_id,
    job_workflow_ref: payload.job_workflow_ref as string,
    job_workflow_sha: payload.job_workflow_sha as string,
    event_name: payload.event_name as string,
    runner_environment: typeof runner === "string" ? runner : "self-hosted",
  };
}
