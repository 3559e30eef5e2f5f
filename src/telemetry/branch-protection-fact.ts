/**
 * Whether a telemetry repository's default branch is protected, as one read request (`GET
 * /repos/{o}/{r}/branches/{branch}`, its `protected` field) establishes it. That endpoint needs only
 * contents read, which every token that writes records has; the protection's details need
 * administration read, which the App does not ask for.
 */
export type BranchProtectionFact =
  | { readonly kind: "protected"; readonly branch: string }
  | { readonly kind: "unprotected"; readonly branch: string }
  | {
      readonly kind: "unknown";
      readonly branch: string;
      readonly status: number | undefined;
      readonly message: string;
    }
  | { readonly kind: "skipped"; readonly because: string };

/**
 * The warning for a telemetry repository whose default branch is not (known to be) protected, or
 * undefined when it is protected or was not checked. Never a failure: records can still be written.
 * Pure.
 *
 * @example protectionWarning({ kind: "unprotected", branch: "main" }, "acme/telemetry")
 *   // "main of acme/telemetry is not protected: ... run `task-assistant telemetry protect --repo acme/telemetry`"
 */
export function protectionWarning(fact: BranchProtectionFact, telemetryRepo: string): string | undefined {
  const fix = `run \`task-assistant telemetry protect --repo ${telemetryRepo}\``;
  switch (fact.kind) {
    case "protected":
    case "skipped":
      return undefined;
    case "unprotected":
      return `${fact.branch} of ${telemetryRepo} is not protected: anyone who may push can rewrite or delete its records; ${fix}`;
    case "unknown":
      return `whether ${fact.branch} of ${telemetryRepo} is protected could not be read${fact.status === undefined ? "" : ` (HTTP ${fact.status})`}: ${fact.message}; if it is not, ${fix}`;
  }
}
