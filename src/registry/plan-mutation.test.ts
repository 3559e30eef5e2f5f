import { describe, expect, it } from "vitest";
import { aRegistry, aRepo } from "../../test/infra/support/registry-builders.js";
import type { MutationPlan } from "./mutation-plan.js";
import { planRegister } from "./plan-register.js";
import { planDisable, planEnable } from "./plan-state-change.js";
import { planUnregister } from "./plan-unregister.js";
import type { RegistryV2 } from "./registry-types.js";

const now = new Date("2026-12-01T10:20:30.456Z");

function applied(plan: MutationPlan) {
  if (!plan.ok) throw new Error(`refused: ${plan.refusal.message}`);
  return plan;
}

function refusal(plan: MutationPlan) {
  if (plan.ok) throw new Error("expected a refusal");
  return plan.refusal;
}

const empty: RegistryV2 = { schema_version: "2.0", generated_at: "2026-11-21T00:00:00Z", orgs: {} };

describe("planRegister", () => {
  it("registers an org's first repo, enabled, setting the org's telemetry repo and generated_at", () => {
    const plan = applied(
      planRegister(
        empty,
        {
          owner: "beta",
          repo: "api",
          context: "sandbox",
          telemetryRepo: "beta-telemetry",
          reason: " pilot ",
        },
        now,
      ),
    );
    expect(plan.registry).toEqual({
      schema_version: "2.0",
      generated_at: "2026-12-01T10:20:30Z",
      orgs: {
        beta: {
          telemetry_repo: "beta/beta-telemetry",
          repos: { api: { state: "enabled", context: "sandbox", process: "infra-cli", reason: "pilot" } },
        },
      },
    });
    expect(plan.line).toEqual({
      timestamp: "2026-12-01T10:20:30Z",
      action: "register",
      owner: "beta",
      repo: "api",
      context: "sandbox",
      telemetry_repo: "beta/beta-telemetry",
      reason: "pilot",
      process: "infra-cli",
      schema_version: "2.0",
    });
    expect(empty.orgs).toEqual({});
  });

  it("lets later repos of an org omit the telemetry repo or repeat it, and records it on the line", () => {
    const omitted = applied(
      planRegister(aRegistry(), { owner: "acme", repo: "new", context: "production", reason: "r" }, now),
    );
    expect(omitted.line.telemetry_repo).toBe("acme/telemetry");
    const repeated = applied(
      planRegister(
        aRegistry(),
        { owner: "acme", repo: "new", context: "production", telemetryRepo: "acme/telemetry", reason: "r" },
        now,
      ),
    );
    expect(repeated.registry).toEqual(omitted.registry);
  });

  it("refuses a different telemetry repo for a known org instead of ignoring it", () => {
    expect(
      refusal(
        planRegister(
          aRegistry(),
          { owner: "acme", repo: "new", context: "sandbox", telemetryRepo: "other-telemetry", reason: "r" },
          now,
        ),
      ),
    ).toEqual({
      field: "telemetry-repo",
      message:
        "org acme already sends telemetry to acme/telemetry; --telemetry-repo other-telemetry would change it",
      hint: "omit --telemetry-repo or pass acme/telemetry; an org has exactly one telemetry repo",
    });
  });

  it("refuses cross-org telemetry", () => {
    expect(
      refusal(
        planRegister(
          empty,
          { owner: "beta", repo: "api", context: "sandbox", telemetryRepo: "acme/telemetry", reason: "r" },
          now,
        ),
      ),
    ).toMatchObject({
      field: "telemetry-repo",
      message: "telemetry repo acme/telemetry is not in beta: cross-org telemetry is forbidden",
    });
  });

  it("takes a telemetry repo whose owner differs only in case as the org's own (GitHub names are case-insensitive)", () => {
    const first = applied(
      planRegister(
        empty,
        { owner: "beta", repo: "api", context: "sandbox", telemetryRepo: "BETA/telemetry", reason: "r" },
        now,
      ),
    );
    expect(first.registry.orgs.beta.telemetry_repo).toBe("beta/telemetry");
    const second = applied(
      planRegister(
        first.registry,
        { owner: "beta", repo: "web", context: "sandbox", telemetryRepo: "Beta/Telemetry", reason: "r" },
        now,
      ),
    );
    expect(second.registry.orgs.beta.repos.web).toBeDefined();
  });

  it("refuses an org's first repo without a telemetry repo", () => {
    expect(
      refusal(planRegister(empty, { owner: "beta", repo: "api", context: "sandbox", reason: "r" }, now)),
    ).toMatchObject({
      field: "telemetry-repo",
      message: "beta is not registered yet, so its first repository must set the org's telemetry repo",
    });
  });

  it("refuses a missing or unknown context: there is no default", () => {
    expect(
      refusal(planRegister(aRegistry(), { owner: "acme", repo: "x", context: "", reason: "r" }, now)).field,
    ).toBe("context");
    expect(
      refusal(planRegister(aRegistry(), { owner: "acme", repo: "x", context: "staging", reason: "r" }, now))
        .message,
    ).toBe('context must be sandbox or production, not "staging"');
  });

  it("refuses an already registered repo, the telemetry repo itself, bad names, an empty reason and another spelling", () => {
    const base = { context: "sandbox", reason: "r" };
    expect(refusal(planRegister(aRegistry(), { ...base, owner: "acme", repo: "widgets" }, now)).message).toBe(
      "acme/widgets is already registered (enabled, production)",
    );
    expect(
      refusal(planRegister(aRegistry(), { ...base, owner: "acme", repo: "Telemetry" }, now)).message,
    ).toBe("acme/Telemetry is acme's telemetry repo and cannot also be a monitored repo");
    expect(refusal(planRegister(aRegistry(), { ...base, owner: "ac_me", repo: "x" }, now)).field).toBe(
      "owner",
    );
    expect(refusal(planRegister(aRegistry(), { ...base, owner: "acme", repo: "a b" }, now)).field).toBe(
      "repo",
    );
    expect(
      refusal(planRegister(aRegistry(), { ...base, owner: "acme", repo: "x", reason: "  " }, now)).field,
    ).toBe("reason");
    expect(refusal(planRegister(aRegistry(), { ...base, owner: "ACME", repo: "x" }, now))).toEqual({
      field: "owner",
      message: 'org ACME is registered as "acme"',
      hint: "use --owner acme",
    });
  });
});

describe("planEnable / planDisable", () => {
  it("disables an enabled repo and records the new reason on the entry and the line", () => {
    const plan = applied(
      planDisable(aRegistry(), { owner: "acme", repo: "widgets", reason: "incident 42" }, now),
    );
    expect(plan.registry.orgs.acme.repos.widgets).toEqual(
      aRepo({ state: "disabled", context: "production", reason: "incident 42" }),
    );
    expect(plan.line).toMatchObject({ action: "disable", context: "production", reason: "incident 42" });
    expect(plan.line.telemetry_repo).toBeUndefined();
    expect(plan.registry.generated_at).toBe("2026-12-01T10:20:30Z");
  });

  it("enables only a disabled repo and disables only an enabled one", () => {
    expect(
      applied(planEnable(aRegistry(), { owner: "acme", repo: "gadgets", reason: "back" }, now)).registry.orgs
        .acme.repos.gadgets.state,
    ).toBe("enabled");
    expect(
      refusal(planEnable(aRegistry(), { owner: "acme", repo: "widgets", reason: "r" }, now)).message,
    ).toBe("acme/widgets is already enabled");
    expect(
      refusal(planDisable(aRegistry(), { owner: "acme", repo: "gadgets", reason: "r" }, now)).message,
    ).toBe("acme/gadgets is already disabled");
  });

  it("refuses unknown orgs and repos", () => {
    expect(refusal(planEnable(aRegistry(), { owner: "nobody", repo: "x", reason: "r" }, now)).message).toBe(
      "org nobody is not registered",
    );
    expect(
      refusal(planDisable(aRegistry(), { owner: "acme", repo: "nothing", reason: "r" }, now)).message,
    ).toBe("acme/nothing is not registered");
  });
});

describe("planUnregister", () => {
  it("removes the repo and keeps the org while it has others", () => {
    const plan = applied(
      planUnregister(aRegistry(), { owner: "acme", repo: "gadgets", reason: "retired" }, now),
    );
    expect(Object.keys(plan.registry.orgs.acme.repos)).toEqual(["widgets"]);
    expect(plan.line).toMatchObject({
      action: "unregister",
      owner: "acme",
      repo: "gadgets",
      context: "sandbox",
      reason: "retired",
    });
  });

  it("removes the org with its last repo", () => {
    const once = applied(
      planUnregister(aRegistry(), { owner: "acme", repo: "gadgets", reason: "retired" }, now),
    );
    const twice = applied(
      planUnregister(once.registry, { owner: "acme", repo: "widgets", reason: "retired" }, now),
    );
    expect(twice.registry.orgs).toEqual({});
    expect(twice.summary).toMatch(/acme had no other repositories and was removed/);
  });
});
