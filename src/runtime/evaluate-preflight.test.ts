import { describe, expect, it } from "vitest";
import { evaluatePreflight, PREFLIGHT_CHECK_IDS } from "./evaluate-preflight.js";
import type { PreflightFacts, RepoFact } from "./preflight-facts.js";

const writable: RepoFact = {
  kind: "found",
  access: { contents: "write", issues: "write" },
  default_branch: "main",
};
const readOnly: RepoFact = {
  kind: "found",
  access: { contents: "read", issues: "read" },
  default_branch: "main",
};

function facts(
  overrides: Partial<PreflightFacts> = {},
  plan: Partial<PreflightFacts["plan"]> = {},
): PreflightFacts {
  return {
    plan: {
      target_repo: "acme/widgets",
      mode: "validate",
      engines: ["preflight", "validate"],
      engine_ref: "v1.4.0",
      runtime_mode: "marketplace",
      engine_ref_policy: { ok: true },
      correlation_id: "9187-1",
      ...plan,
    },
    registry: {
      kind: "resolved",
      source: "acme/infra:infra/telemetry-registry.v2.json",
      answer: {
        outcome: "ELIGIBLE",
        reason: "acme/widgets is registered and enabled (sandbox); telemetry goes to acme/telemetry",
        registry_sha: "a".repeat(40),
        context: "sandbox",
        state: "enabled",
        telemetry_repo: "acme/telemetry",
      },
    },
    telemetry_repo: "acme/telemetry",
    target: readOnly,
    telemetry: writable,
    telemetry_protection: { kind: "protected", branch: "main" },
    token: { target: { kind: "plain" }, telemetry: { kind: "plain" } },
    config: { kind: "not-needed" },
    ...overrides,
  };
}

const outcomes = (verdict: ReturnType<typeof evaluatePreflight>) =>
  Object.fromEntries(verdict.result.checks.map((check) => [check.id, check.outcome]));

const failing = (verdict: ReturnType<typeof evaluatePreflight>) =>
  verdict.result.checks.filter((check) => check.outcome === "FAIL").map((check) => check.id);

describe("evaluatePreflight", () => {
  it("passes an eligible repo whose token covers the plan, with every check named in order", () => {
    const verdict = evaluatePreflight(facts(), { version: "0.1.0" });
    expect(verdict.ok).toBe(true);
    expect(verdict.reason).toBeNull();
    expect(verdict.result.checks.map((check) => check.id)).toEqual(PREFLIGHT_CHECK_IDS);
    expect(failing(verdict)).toEqual([]);
    expect(verdict).toMatchObject({ record_repo: "acme/telemetry", telemetry_repo: "acme/telemetry" });
    expect(verdict.result).toMatchObject({ ok: true, tool: "task-assistant-preflight", version: "0.1.0" });
  });

  it.each(["DISABLED", "UNREGISTERED", "REGISTRY_INVALID", "UNSUPPORTED_SCHEMA"])(
    "fails registry.resolve with the outcome %s as the reason, and still records it",
    (outcome) => {
      const base = facts();
      const registry = base.registry.kind === "resolved" ? base.registry : undefined;
      const verdict = evaluatePreflight(
        facts({ registry: { ...registry!, answer: { ...registry!.answer, outcome, reason: "why" } } }),
        { version: "0.1.0" },
      );
      expect(verdict.ok).toBe(false);
      expect(failing(verdict)).toEqual(["registry.resolve"]);
      expect(verdict.reason).toBe(`registry.resolve: ${outcome}: why`);
      expect(verdict.record_repo).toBe("acme/telemetry");
    },
  );

  it("fails an unregistered org without a place to record it", () => {
    const verdict = evaluatePreflight(
      facts({
        registry: {
          kind: "resolved",
          source: "registry.json",
          answer: {
            outcome: "ORG_UNREGISTERED",
            reason: "org acme is not in the registry",
            registry_sha: "b".repeat(40),
          },
        },
        telemetry_repo: undefined,
        telemetry: { kind: "skipped", because: "no telemetry repository" },
      }),
      { version: "0.1.0" },
    );
    expect(failing(verdict)).toEqual([
      "registry.resolve",
      "telemetry.resolve",
      "telemetry.access",
      "token.scope",
    ]);
    expect(verdict.record_repo).toBeUndefined();
    expect(verdict.reason).toContain("ORG_UNREGISTERED: org acme is not in the registry");
  });

  it("tells an unreadable registry apart from an unregistered repo", () => {
    const verdict = evaluatePreflight(
      facts({
        registry: {
          kind: "unreadable",
          reason: "HTTP 502",
          source: "acme/infra:infra/telemetry-registry.v2.json",
        },
        telemetry_repo: undefined,
        telemetry: { kind: "skipped", because: "no telemetry repository" },
      }),
      { version: "0.1.0" },
    );
    expect(verdict.reason).toContain("registry.resolve: registry unreadable");
    expect(verdict.result.registry).toEqual({
      outcome: "UNREADABLE",
      source: "acme/infra:infra/telemetry-registry.v2.json",
    });
  });

  it("refuses a telemetry repo in another org even if the registry said so", () => {
    const verdict = evaluatePreflight(facts({ telemetry_repo: "other/telemetry" }), { version: "0.1.0" });
    expect(failing(verdict)).toContain("telemetry.resolve");
    expect(verdict.record_repo).toBeUndefined();
  });

  it("fails a missing telemetry repository and has nowhere to record", () => {
    const verdict = evaluatePreflight(facts({ telemetry: { kind: "missing", status: 404 } }), {
      version: "0.1.0",
    });
    expect(failing(verdict)).toEqual(["telemetry.access", "token.scope"]);
    expect(verdict.reason).toContain("acme/telemetry does not exist");
    expect(verdict.record_repo).toBeUndefined();
  });

  it("fails a token that may only read the telemetry repository, without writing to find out", () => {
    const verdict = evaluatePreflight(facts({ telemetry: readOnly }), { version: "0.1.0" });
    expect(failing(verdict)).toEqual(["telemetry.access", "token.scope"]);
    expect(verdict.reason).toContain("may not write contents of acme/telemetry");
    expect(verdict.reason).toContain("contents:write on acme/telemetry (has read)");
  });

  it("fails token.scope when enforce needs issue writes the token lacks", () => {
    const verdict = evaluatePreflight(
      facts(
        { config: { kind: "present", path: ".github/task-assistant.yml", ref: undefined } },
        {
          mode: "enforce",
          engines: ["preflight", "enforce"],
        },
      ),
      { version: "0.1.0" },
    );
    expect(failing(verdict)).toEqual(["token.scope"]);
    expect(verdict.reason).toContain("issues:write on acme/widgets (has read)");
  });

  it("judges an installation token by its grant, not by the repository's permissions", () => {
    const verdict = evaluatePreflight(
      facts({
        telemetry: readOnly,
        token: {
          target: {
            kind: "granted",
            permissions: { contents: "read", issues: "read", metadata: "read" },
            repositories: ["widgets"],
          },
          telemetry: { kind: "granted", permissions: { contents: "write" }, repositories: ["telemetry"] },
        },
      }),
      { version: "0.1.0" },
    );
    expect(verdict.ok).toBe(true);
  });

  it("fails token.scope when the App could not mint the token", () => {
    const verdict = evaluatePreflight(
      facts({
        target: { kind: "skipped", because: "no token" },
        token: {
          target: {
            kind: "refused",
            status: 422,
            message: "GitHub refused an installation token (HTTP 422)",
          },
          telemetry: { kind: "plain" },
        },
      }),
      { version: "0.1.0" },
    );
    expect(outcomes(verdict)).toMatchObject({ "target.access": "FAIL", "token.scope": "FAIL" });
    expect(verdict.reason).toContain("HTTP 422");
    expect(verdict.record_repo).toBe("acme/telemetry");
  });

  it("fails a floating engine_ref in marketplace mode and records the policy's reason", () => {
    const verdict = evaluatePreflight(
      facts(
        {},
        { engine_ref: "main", engine_ref_policy: { ok: false, reason: "main floats", hint: "pin a tag" } },
      ),
      { version: "0.1.0" },
    );
    expect(failing(verdict)).toEqual(["engine_ref.policy"]);
    expect(verdict.reason).toBe("engine_ref.policy: main floats");
  });

  it("fails eligibility when materialize finds no host config", () => {
    const verdict = evaluatePreflight(
      facts(
        { target: writable, config: { kind: "absent", path: ".github/task-assistant.yml", ref: undefined } },
        {
          mode: "materialize",
          engines: ["preflight", "materialize"],
        },
      ),
      { version: "0.1.0" },
    );
    expect(failing(verdict)).toEqual(["eligibility"]);
    expect(verdict.reason).toContain("has no .github/task-assistant.yml");
  });

  it("warns, and still passes, when the telemetry repository's default branch is not protected", () => {
    const verdict = evaluatePreflight(
      facts({ telemetry_protection: { kind: "unprotected", branch: "main" } }),
      {
        version: "0.1.0",
      },
    );
    expect(verdict.ok).toBe(true);
    expect(outcomes(verdict)["telemetry.protection"]).toBe("WARN");
    expect(verdict.result.checks.find((check) => check.id === "telemetry.protection")).toEqual({
      id: "telemetry.protection",
      outcome: "WARN",
      details: {
        message:
          "main of acme/telemetry is not protected: anyone who may push can rewrite or delete its records; run `task-assistant telemetry protect --repo acme/telemetry`",
        branch: "main",
      },
    });
    expect(outcomes(evaluatePreflight(facts(), { version: "0.1.0" }))["telemetry.protection"]).toBe("PASS");
    const unknown = evaluatePreflight(
      facts({
        telemetry_protection: { kind: "unknown", branch: "main", status: 502, message: "Bad Gateway" },
      }),
      { version: "0.1.0" },
    );
    expect(unknown.ok).toBe(true);
    expect(outcomes(unknown)["telemetry.protection"]).toBe("WARN");
  });

  it("keeps owner/repo pairs out of its details (records forbid them)", () => {
    const text = JSON.stringify(evaluatePreflight(facts(), { version: "0.1.0" }).result);
    expect(text).not.toMatch(/"owner"/);
  });
});
