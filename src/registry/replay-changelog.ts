import type { Problem } from "../errors.js";
import type { MutationPlan } from "./mutation-plan.js";
import { planRegister } from "./plan-register.js";
import { planDisable, planEnable } from "./plan-state-change.js";
import { planUnregister } from "./plan-unregister.js";
import type { ChangelogLine, RegistryV2 } from "./registry-types.js";
import { changelogLineText } from "./validate-changelog.js";

/** Plans the mutation a changelog line records, with the line's own time. */
export function planFromLine(registry: RegistryV2, line: ChangelogLine): MutationPlan {
  const now = new Date(line.timestamp);
  const common = { owner: line.owner, repo: line.repo, reason: line.reason, process: line.process };
  switch (line.action) {
    case "register":
      return planRegister(
        registry,
        {
          ...common,
          context: line.context ?? "",
          ...(line.telemetry_repo === undefined ? {} : { telemetryRepo: line.telemetry_repo }),
        },
        now,
      );
    case "enable":
      return planEnable(registry, common, now);
    case "disable":
      return planDisable(registry, common, now);
    case "unregister":
      return planUnregister(registry, common, now);
  }
}

/**
 * Replays changelog lines on a registry with the same planners the CLI uses. Each line must apply
 * cleanly and be exactly the line the CLI would have written for that change, so a changelog line
 * fully explains its registry change. `firstLine` is the 1-based file line of `lines[0]`.
 */
export function replayChangelog(
  base: RegistryV2,
  lines: readonly ChangelogLine[],
  rawLines: readonly string[],
  options: { firstLine: number; file?: string },
): { ok: true; registry: RegistryV2 } | { ok: false; problems: Problem[] } {
  let registry = base;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const where = {
      path: `/${options.firstLine - 1 + index}`,
      line: options.firstLine + index,
      col: 1,
      ...(options.file === undefined ? {} : { file: options.file }),
    };
    const plan = planFromLine(registry, line);
    if (!plan.ok) {
      return {
        ok: false,
        problems: [
          {
            ...where,
            message: `this ${line.action} of ${line.owner}/${line.repo} cannot be applied: ${plan.refusal.message}`,
            hint: "changelog lines must record changes made with the infra CLI, in order",
          },
        ],
      };
    }
    const expected = changelogLineText(plan.line);
    if (`${rawLines[index]}\n` !== expected) {
      return {
        ok: false,
        problems: [
          {
            ...where,
            message: `this line is not what the infra CLI records for the change; expected ${expected.trimEnd()}`,
            hint: "do not edit changelog lines by hand; make changes with the infra CLI",
          },
        ],
      };
    }
    registry = plan.registry;
  }
  return { ok: true, registry };
}
