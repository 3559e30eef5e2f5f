import type { Clock } from "../../util/clock.js";
import { guardMutation } from "../../infra/guards.js";
import type { MutationPlan } from "../../registry/mutation-plan.js";
import { mutateRegistry, type AppliedMutation } from "../../registry/registry-store.js";
import type { RegistryV2 } from "../../registry/registry-types.js";
import { changelogLineText } from "../../registry/validate-changelog.js";
import type { CliIO } from "../command.js";
import { infraCheckout } from "./infra-checkout.js";

/**
 * Runs one registry mutation from the CLI: finds the checkout, runs the guards and the planner
 * through the store's executor, and reports what changed.
 */
export async function runMutation(
  io: CliIO,
  clock: Clock,
  command: string,
  planner: (registry: RegistryV2, now: Date) => MutationPlan,
): Promise<AppliedMutation> {
  const root = await infraCheckout(io.cwd);
  const now = clock.now();
  const applied = await mutateRegistry(root, (registry) => planner(registry, now), {
    beforeRead: async () => {
      await guardMutation(root, command);
    },
  });
  io.stdout(
    [
      applied.summary,
      `changelog: ${changelogLineText(applied.line).trimEnd()}`,
      `registry blob: ${applied.registrySha}`,
      "next: make any other changes, then `task-assistant infra finalize`",
      "",
    ].join("\n"),
  );
  return applied;
}
