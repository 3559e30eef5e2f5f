import { copyRegistry, finishPlan, refuse, type MutationPlan } from "./mutation-plan.js";
import { findRegistered, type StateChangeInput } from "./plan-state-change.js";
import { INFRA_CLI_PROCESS, type RegistryV2 } from "./registry-types.js";

/**
 * Plans `infra unregister`: removes the repo's entry, and the org with it when that was the org's
 * last repository (an org with no repositories would only keep a telemetry route nothing uses).
 */
export function planUnregister(registry: RegistryV2, input: StateChangeInput, now: Date): MutationPlan {
  const { owner, repo } = input;
  const reason = input.reason.trim();
  if (reason === "")
    return refuse("--reason must not be empty", `say why ${owner}/${repo} is removed`, "reason");
  const found = findRegistered(registry, owner, repo);
  if (!found.ok) return found.plan;
  const next = copyRegistry(registry);
  const org = next.orgs[owner];
  delete org.repos[repo];
  const orgRemoved = Object.keys(org.repos).length === 0;
  if (orgRemoved) delete next.orgs[owner];
  return finishPlan(
    next,
    {
      action: "unregister",
      owner,
      repo,
      context: found.entry.context,
      reason,
      process: input.process ?? INFRA_CLI_PROCESS,
    },
    now,
    `unregistered ${owner}/${repo}${orgRemoved ? `; ${owner} had no other repositories and was removed` : ""}`,
  );
}
