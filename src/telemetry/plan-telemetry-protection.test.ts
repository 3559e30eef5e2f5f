import { describe, expect, it } from "vitest";
import type { CurrentProtection, ProtectionBody } from "../infra/plan-branch-protection.js";
import { planTelemetryProtection } from "./plan-telemetry-protection.js";

/** What GitHub answers on GET .../protection after a PUT of `body`. */
function asRead(body: ProtectionBody): CurrentProtection {
  const enabled = (value: boolean) => ({ enabled: value });
  return {
    required_status_checks: body.required_status_checks,
    required_pull_request_reviews: body.required_pull_request_reviews,
    enforce_admins: enabled(body.enforce_admins),
    restrictions:
      body.restrictions === null
        ? null
        : {
            users: body.restrictions.users.map((login) => ({ login })),
            teams: body.restrictions.teams.map((slug) => ({ slug })),
            apps: body.restrictions.apps.map((slug) => ({ slug })),
          },
    required_linear_history: enabled(body.required_linear_history),
    allow_force_pushes: enabled(body.allow_force_pushes),
    allow_deletions: enabled(body.allow_deletions),
    block_creations: enabled(body.block_creations),
    required_conversation_resolution: enabled(body.required_conversation_resolution),
    lock_branch: enabled(body.lock_branch),
    allow_fork_syncing: enabled(body.allow_fork_syncing),
  };
}

const goal = { app: "task-assistant", organization: true };

describe("planTelemetryProtection", () => {
  it("plans nothing the second time, for an organization's and a user's repository", () => {
    for (const organization of [true, false]) {
      const first = planTelemetryProtection(undefined, { ...goal, organization });
      expect(first.body).toBeDefined();
      const second = planTelemetryProtection(asRead(first.body!), { ...goal, organization });
      expect(second.body).toBeUndefined();
      expect(second.changes).toEqual([]);
    }
  });

  it("adds the App to push restrictions already there and keeps who is listed", () => {
    const plan = planTelemetryProtection(
      {
        allow_force_pushes: { enabled: false },
        allow_deletions: { enabled: false },
        enforce_admins: { enabled: true },
        restrictions: { users: [{ login: "ops-bot" }], teams: [{ slug: "sre" }], apps: [] },
      },
      goal,
    );
    expect(plan.changes).toEqual(["let only the App task-assistant push"]);
    expect(plan.body?.restrictions).toEqual({ users: ["ops-bot"], teams: ["sre"], apps: ["task-assistant"] });
    expect(plan.settings).toContain(
      "pushes only by task-assistant[bot] and those already listed: ops-bot, team sre",
    );
  });

  it("keeps required reviews and a lock, and warns that they refuse the App's writes", () => {
    const plan = planTelemetryProtection(
      {
        required_pull_request_reviews: { required_approving_review_count: 2 },
        lock_branch: { enabled: true },
      },
      goal,
    );
    expect(plan.body?.required_pull_request_reviews?.required_approving_review_count).toBe(2);
    expect(plan.body?.lock_branch).toBe(true);
    expect(plan.warnings).toHaveLength(2);
  });

  it("never sends push restrictions for a user's repository and says why", () => {
    const plan = planTelemetryProtection(undefined, { ...goal, organization: false });
    expect(plan.body?.restrictions).toBeNull();
    expect(plan.not_enforceable[0]).toMatch(/^only the App may push: push restrictions exist only/);
  });
});
