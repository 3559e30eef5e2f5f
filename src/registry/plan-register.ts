import { ownerNameProblem, repoNameProblem, sameGitHubName } from "./github-names.js";
import { copyRegistry, findOrg, findRepo, finishPlan, refuse, type MutationPlan } from "./mutation-plan.js";
import { INFRA_CLI_PROCESS, REPO_CONTEXTS, type RegistryV2, type RepoContext } from "./registry-types.js";

export interface RegisterInput {
  owner: string;
  repo: string;
  /** Required, never defaulted: `sandbox` or `production`. */
  context: string;
  /** `NAME` or `OWNER/NAME`; required for an org's first repo, optional (but must agree) after. */
  telemetryRepo?: string;
  reason: string;
  /** Recorded as `process`; the infra CLI passes `infra-cli`. */
  process?: string;
}

/**
 * Plans `infra register`: adds `owner/repo` enabled, with its context and reason. The first repo
 * of an org sets the org's telemetry repo; later ones may omit it or must name the same one — a
 * different one is refused, never ignored. Cross-org telemetry is refused.
 *
 * @example planRegister(registry, { owner: "acme", repo: "widgets", context: "sandbox", telemetryRepo: "telemetry", reason: "pilot" }, now)
 */
export function planRegister(registry: RegistryV2, input: RegisterInput, now: Date): MutationPlan {
  const { owner, repo } = input;
  const reason = input.reason.trim();
  const ownerProblem = ownerNameProblem(owner);
  if (ownerProblem !== undefined)
    return refuse(ownerProblem, "pass the org's GitHub login with --owner", "owner");
  const repoProblem = repoNameProblem(repo);
  if (repoProblem !== undefined) return refuse(repoProblem, "pass the repository name with --repo", "repo");
  if (!(REPO_CONTEXTS as readonly string[]).includes(input.context)) {
    return refuse(
      input.context === ""
        ? "--context is required"
        : `context must be sandbox or production, not "${input.context}"`,
      "pass --context sandbox or --context production: there is no default and nothing is inferred",
      "context",
    );
  }
  if (reason === "")
    return refuse("--reason must not be empty", "say why this repository is registered", "reason");

  const requested =
    input.telemetryRepo === undefined ? undefined : qualifyTelemetryRepo(owner, input.telemetryRepo.trim());
  if (requested !== undefined && !requested.ok) return requested.plan;

  const found = findOrg(registry, owner);
  if (found.found === "misspelled") return found.refusal;
  let telemetryRepo: string;
  if (found.found) {
    const existing = findRepo(found.org, owner, repo);
    if (existing.found === "misspelled") return existing.refusal;
    if (existing.found) {
      return refuse(
        `${owner}/${repo} is already registered (${existing.entry.state}, ${existing.entry.context})`,
        "use `infra enable` or `infra disable` to change its state, or `infra unregister` first",
        "repo",
      );
    }
    telemetryRepo = found.org.telemetry_repo;
    if (requested !== undefined && !sameGitHubName(requested.fullName, telemetryRepo)) {
      return refuse(
        `org ${owner} already sends telemetry to ${telemetryRepo}; --telemetry-repo ${input.telemetryRepo} would change it`,
        `omit --telemetry-repo or pass ${telemetryRepo}; an org has exactly one telemetry repo`,
        "telemetry-repo",
      );
    }
  } else {
    if (requested === undefined) {
      return refuse(
        `${owner} is not registered yet, so its first repository must set the org's telemetry repo`,
        `pass --telemetry-repo NAME (in ${owner}), e.g. --telemetry-repo task-assistant-telemetry`,
        "telemetry-repo",
      );
    }
    telemetryRepo = requested.fullName;
  }
  const telemetryName = telemetryRepo.slice(telemetryRepo.indexOf("/") + 1);
  if (sameGitHubName(telemetryName, repo)) {
    return refuse(
      `${owner}/${repo} is ${owner}'s telemetry repo and cannot also be a monitored repo`,
      "telemetry goes to a separate repository; register the repository you want engines to run on",
      "repo",
    );
  }

  const next = copyRegistry(registry);
  const context = input.context as RepoContext;
  const process = input.process ?? INFRA_CLI_PROCESS;
  const org = (next.orgs[owner] ??= { telemetry_repo: telemetryRepo, repos: {} });
  org.repos[repo] = { state: "enabled", context, process, reason };
  return finishPlan(
    next,
    { action: "register", owner, repo, context, telemetry_repo: telemetryRepo, reason, process },
    now,
    `registered ${owner}/${repo} (${context}, enabled); telemetry goes to ${telemetryRepo}`,
  );
}

/** `NAME` → `owner/NAME`; `O/NAME` must be in `owner`'s org. */
function qualifyTelemetryRepo(
  owner: string,
  value: string,
): { ok: true; fullName: string } | { ok: false; plan: MutationPlan } {
  const slash = value.indexOf("/");
  const telemetryOwner = slash === -1 ? owner : value.slice(0, slash);
  const name = slash === -1 ? value : value.slice(slash + 1);
  if (!sameGitHubName(telemetryOwner, owner)) {
    return {
      ok: false,
      plan: refuse(
        `telemetry repo ${value} is not in ${owner}: cross-org telemetry is forbidden`,
        `pass a repository of ${owner}: --telemetry-repo ${name} (or ${owner}/${name})`,
        "telemetry-repo",
      ),
    };
  }
  const problem = repoNameProblem(name);
  if (problem !== undefined) {
    return {
      ok: false,
      plan: refuse(`--telemetry-repo: ${problem}`, "pass NAME or OWNER/NAME", "telemetry-repo"),
    };
  }
  return { ok: true, fullName: `${owner}/${name}` };
}
