/**
 * Why the broker refused, as a stable `code` a caller or an alert can match on. 401: the token cannot
 * be verified (it proves nothing); 403: it proves a job that policy does not allow this.
 */
export const REFUSAL_STATUS = {
  // The request itself.
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  body_too_large: 413,
  body_not_json: 400,
  request_invalid: 400,
  // The OIDC token: unverifiable.
  token_missing: 401,
  token_too_large: 401,
  token_malformed: 401,
  token_algorithm: 401,
  token_unknown_key: 401,
  token_signature: 401,
  token_issuer: 401,
  token_audience: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  token_issued_in_future: 401,
  token_claims: 401,
  token_replayed: 401,
  // The job the token proves: policy.
  workflow_not_engine: 403,
  workflow_ref_not_release: 403,
  workflow_sha_not_release: 403,
  subject_mismatch: 403,
  repository_identity: 403,
  event_not_allowed: 403,
  runner_self_hosted: 403,
  infra_repository: 403,
  registry_refused: 403,
  owner_mismatch: 403,
  repository_not_granted: 403,
  permission_not_granted: 403,
  not_preflight: 403,
  // GitHub's side of the grant.
  installation_missing: 403,
  installation_suspended: 403,
  app_lacks_permission: 403,
  // Dependencies the broker could not reach or read.
  issuer_unavailable: 503,
  registry_unavailable: 503,
  releases_unavailable: 503,
  replay_store_unavailable: 503,
  github_unavailable: 502,
} as const;

export type RefusalCode = keyof typeof REFUSAL_STATUS;

export interface Refusal {
  readonly ok: false;
  readonly status: (typeof REFUSAL_STATUS)[RefusalCode];
  readonly code: RefusalCode;
  readonly message: string;
}

/** A refusal with the status its code carries. */
export function refuse(code: RefusalCode, message: string): Refusal {
  return { ok: false, status: REFUSAL_STATUS[code], code, message };
}

/** Thrown by the broker's I/O layers to end an exchange with a refusal (never a 500). */
export class RefusalError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
    this.name = "RefusalError";
  }
}
