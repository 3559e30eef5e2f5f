import { describe, expect, it } from "vitest";
import type { Check } from "./engine.js";
import { registryRefusal } from "./preflight-refusal.js";

const registry = (outcome: string, pass = outcome === "ELIGIBLE"): Check => ({
  id: "registry.resolve",
  outcome: pass ? "PASS" : "FAIL",
  details: { message: `${outcome}: because`, outcome },
});
const report = (checks: Check[], overrides: Partial<Parameters<typeof registryRefusal>[0]> = {}) => ({
  passed: false,
  checks,
  record: "written",
  telemetry_repo: "acme/telemetry" as string | undefined,
  ...overrides,
});

describe("registryRefusal", () => {
  it("is the registry's answer for a disabled or unregistered repository", () => {
    expect(registryRefusal(report([registry("DISABLED")]))).toEqual({
      outcome: "DISABLED",
      message: "DISABLED: because",
    });
    // Unregistered: no telemetry repository, so there was nowhere to write the record.
    const unregistered = report([registry("UNREGISTERED")], { record: "failed", telemetry_repo: undefined });
    expect(registryRefusal(unregistered)?.outcome).toBe("UNREGISTERED");
    expect(registryRefusal(report([registry("ORG_UNREGISTERED")]))?.outcome).toBe("ORG_UNREGISTERED");
  });

  it("is nothing for faults: an invalid or unreadable registry, a record that could not be written, a pass", () => {
    expect(registryRefusal(report([registry("REGISTRY_INVALID")]))).toBeUndefined();
    expect(
      registryRefusal(
        report([{ id: "registry.resolve", outcome: "FAIL", details: { message: "unreadable" } }]),
      ),
    ).toBeUndefined();
    expect(registryRefusal(report([registry("DISABLED")], { record: "failed" }))).toBeUndefined();
    expect(registryRefusal(report([registry("ELIGIBLE")], { passed: true }))).toBeUndefined();
    // Eligible, but another check failed (a token, access): a failure, not a refusal.
    expect(
      registryRefusal(report([registry("ELIGIBLE"), { id: "token.scope", outcome: "FAIL" }])),
    ).toBeUndefined();
  });
});
