import { describe, expect, it } from "vitest";
import { aRegistry, registryText } from "../../test/infra/support/registry-builders.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { MutationPlan } from "./mutation-plan.js";
import { planRegister } from "./plan-register.js";
import { planDisable } from "./plan-state-change.js";
import type { RegistryV2 } from "./registry-types.js";
import { changelogLineText, validateChangelogText } from "./validate-changelog.js";
import { verifyRegistryChange, type RegistryFiles } from "./verify-change.js";

const base: RegistryFiles = { registryText: registryText(), changelogText: "" };

function apply(files: RegistryFiles, planner: (registry: RegistryV2) => MutationPlan): RegistryFiles {
  const plan = planner(JSON.parse(files.registryText) as RegistryV2);
  if (!plan.ok) throw new Error(plan.refusal.message);
  return {
    registryText: canonicalJson(plan.registry),
    changelogText: files.changelogText + changelogLineText(plan.line),
  };
}

const register = (registry: RegistryV2) =>
  planRegister(
    registry,
    { owner: "acme", repo: "new", context: "sandbox", reason: "pilot" },
    new Date("2026-12-01T00:00:00Z"),
  );
const disable = (registry: RegistryV2) =>
  planDisable(
    registry,
    { owner: "acme", repo: "widgets", reason: "incident" },
    new Date("2026-12-01T00:00:05Z"),
  );

describe("verifyRegistryChange", () => {
  it("accepts changes made with the planners, listing the lines they add", () => {
    const head = apply(apply(base, register), disable);
    const result = verifyRegistryChange(base, head);
    expect(result).toMatchObject({ ok: true, unchanged: false, problems: [] });
    expect(result.addedLines.map((line) => line.action)).toEqual(["register", "disable"]);
  });

  it("reports an unchanged pair as such", () => {
    expect(verifyRegistryChange(base, base)).toMatchObject({ ok: true, unchanged: true });
  });

  it("refuses a registry edited without a changelog line, pointing at the change", () => {
    const registry = aRegistry();
    registry.orgs.acme.repos.widgets.context = "sandbox";
    const result = verifyRegistryChange(base, { registryText: registryText(registry), changelogText: "" });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({
        path: "/orgs/acme/repos/widgets/context",
        file: "infra/telemetry-registry.v2.json",
        message:
          'the registry changed without a changelog line (/orgs/acme/repos/widgets/context should be "production")',
        line: expect.any(Number),
      }),
    ]);
  });

  it("refuses a hand edit on top of a recorded change", () => {
    const head = apply(base, register);
    const tampered = JSON.parse(head.registryText) as RegistryV2;
    tampered.orgs.acme.repos.new.context = "production";
    const result = verifyRegistryChange(base, { ...head, registryText: canonicalJson(tampered) });
    expect(result.problems.map((p) => p.message)).toEqual([
      'the registry is not what its changelog lines produce (/orgs/acme/repos/new/context should be "sandbox")',
    ]);
  });

  it("refuses a changelog line that does not match its registry change, or cannot apply", () => {
    const head = apply(base, register);
    const reworded = head.changelogText.replace('"reason":"pilot"', '"reason":"other"');
    expect(verifyRegistryChange(base, { ...head, changelogText: reworded }).problems[0].message).toBe(
      'the registry is not what its changelog lines produce (/orgs/acme/repos/new/reason should be "other")',
    );
    const handWritten = head.changelogText.replace('{"action"', '{ "action"');
    expect(verifyRegistryChange(base, { ...head, changelogText: handWritten }).problems[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(
        /^this line is not what the infra CLI records for the change; expected \{"action"/,
      ),
    });
    const doubled = head.changelogText + head.changelogText;
    expect(verifyRegistryChange(base, { ...head, changelogText: doubled }).problems).toEqual([
      expect.objectContaining({
        line: 2,
        message:
          "this register of acme/new cannot be applied: acme/new is already registered (enabled, sandbox)",
      }),
    ]);
  });

  it("refuses rewriting existing changelog lines", () => {
    const first = apply(base, register);
    const second = apply(first, disable);
    const rewritten = { ...second, changelogText: second.changelogText.split("\n").slice(1).join("\n") };
    expect(verifyRegistryChange(first, rewritten).problems).toEqual([
      expect.objectContaining({
        line: 1,
        message: "changelog line 1 differs from main: existing lines are never changed or removed",
      }),
    ]);
  });

  it("refuses formatting-only edits of the registry", () => {
    const head = apply(base, register);
    const reformatted = JSON.stringify(JSON.parse(head.registryText)) + "\n";
    expect(verifyRegistryChange(base, { ...head, registryText: reformatted }).problems[0].message).toBe(
      "the registry is not what its changelog lines produce (only the formatting differs)",
    );
  });
});

describe("validateChangelogText", () => {
  it("accepts the lines the planners write", () => {
    const head = apply(apply(base, register), disable);
    expect(validateChangelogText(head.changelogText)).toMatchObject({ valid: true, problems: [] });
  });

  it("reports every bad line with its line number, pointer and column", () => {
    const text = [
      '{"action":"register","owner":"acme","process":"infra-cli","reason":"r","repo":"x","schema_version":"2.0","timestamp":"2026-12-01T00:00:00Z"}',
      "",
      '{"action":"delete","owner":"acme","process":"infra-cli","reason":"","repo":"x","schema_version":"2.0","timestamp":"2026-12-01T00:00:00Z","actor":"me"}',
      "{oops",
      '{"action":"register","context":"sandbox","owner":"acme","process":"infra-cli","reason":"r","repo":"x","schema_version":"2.0","telemetry_repo":"beta/t","timestamp":"2026-12-01T00:00:00Z"}',
    ].join("\n");
    const result = validateChangelogText(text, { file: "log.jsonl" });
    expect(result.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.path} ${p.message}`)).toEqual([
      "log.jsonl:1:1 /0/context context is required",
      "log.jsonl:1:1 /0/telemetry_repo telemetry_repo is required",
      "log.jsonl:2:1 /1 blank line",
      'log.jsonl:3:138 /2/actor unknown member "actor"',
      'log.jsonl:3:11 /2/action action must be one of register, enable, disable, unregister, not "delete"',
      "log.jsonl:3:66 /2/reason reason must not be empty",
      'log.jsonl:4:2 /3 invalid JSON: unexpected "o": expected a member name in double quotes',
      'log.jsonl:5:143 /4/telemetry_repo telemetry_repo "beta/t" is in another org than acme (cross-org telemetry is forbidden)',
      "log.jsonl:5:187 /4 the last line has no newline",
    ]);
  });
});
