import { copyRegistry, findOrg, findRepo, finishPlan, refuse, type MutationPlan } from "./mutation-plan.js";
import { INFRA_CLI_PROCESS, type RegistryV2, type RepoEntry, type RepoState } from "./registry-types.js";

export interface StateChangeInput {
  owner: string;
  repo: string;
  reason: string;
  process?: string;
}

/** Plans `infra enable`: only a disabled repo can be enabled. */
export function planEnable(registry: RegistryV2, input: StateChangeInput, now: Date): MutationPlan {
  return planStateChange(registry, input, now, "enabled");
}

/** Plans `infra disable`: only an enabled repo can be disabled. */
export function planDisable(registry: RegistryV2, input: StateChangeInput, now: Date): MutationPlan {
  return planStateChange(registry, input, now, "disabled");
}

/**
 * Finds a registered repo for enable, disable or unregister, refusing an unknown one with the way
 * forward.
 */
export function findRegistered(
  registry: RegistryV2,
  owner: string,
  repo: string,
): { ok: true; entry: RepoEntry } | { ok: false; plan: MutationPlan } {
  const org = findOrg(registry, owner);
  if (org.found === "misspelled") return { ok: false, plan: org.refusal };
  if (!org.found) {
    return {
      ok: false,
      plan: refuse(
        `org ${owner} is not registered`,
        "check --owner, or register the repository first",
        "owner",
      ),
    };
  }
  const found = findRepo(org.org, owner, repo);
  if (found.found === "misspelled") return { ok: false, plan: found.refusal };
  if (!found.found) {
    return {
      ok: false,
      plan: refuse(
        `${owner}/${repo} is not registered`,
        "check --repo, or run `infra register` first",
        "repo",
      ),
    };
  }
  return { ok: true, entry: found.entry };
}

function planStateChange(
  registry: RegistryV2,
  input: StateChangeInput,
  now: Date,
  target: RepoState,
): MutationPlan {
  const { owner, repo } = input;
  const action = target === "enabled" ? "enable" : "disable";
  const reason = input.reason.trim();
  if (reason === "")
    return refuse("--reason must not be empty", `say why ${owner}/${repo} is being ${target}`, "reason");
  const found = findRegistered(registry, owner, repo);
  if (!found.ok) return found.plan;
  if (found.entry.state === target) {
    return refuse(
      `${owner}/${repo} is already ${target}`,
      target === "enabled"
        ? "only a disabled repository can be enabled"
        : "only an enabled repository can be disabled",
      "repo",
    );
  }
  const next = copyRegistry(registry);
  const process = input.process ?? INFRA_CLI_PROCESS;
  const entry = next.orgs[owner].repos[repo];
  entry.state = target;
  entry.reason = reason;
  entry.process = process;
  return finishPlan(
    next,
    { action, owner, repo, context: entry.context, reason, process },
    now,
    `${target} ${owner}/${repo} (${entry.context})`,
  );
}
