import { describe, expect, it } from "vitest";
import { aRegistry, aRepo, registryText } from "../../test/infra/support/registry-builders.js";
import { validateRegistryText } from "./validate-registry.js";

function problemsOf(text: string) {
  const result = validateRegistryText(text, { file: "infra/telemetry-registry.v2.json" });
  return result.problems.map(({ path, line, col, message }) => ({ path, at: `${line}:${col}`, message }));
}

describe("validateRegistryText", () => {
  it("accepts a valid registry and returns it", () => {
    const result = validateRegistryText(registryText());
    expect(result).toMatchObject({ valid: true, problems: [] });
    expect(result.valid && result.registry.orgs.acme.telemetry_repo).toBe("acme/telemetry");
  });

  it("refuses an unsupported schema_version by name and checks nothing else", () => {
    const text = registryText({ ...aRegistry(), schema_version: "3.0", orgs: "whatever" as never });
    const result = validateRegistryText(text);
    expect(result).toMatchObject({ valid: false, unsupportedSchema: "3.0" });
    expect(result.problems).toEqual([
      expect.objectContaining({
        path: "/schema_version",
        message: "schema_version 3.0 is not supported by this build; supported: 2.0",
        line: 5,
        col: 21,
      }),
    ]);
  });

  it("reports every problem at once, each with its pointer and line:col", () => {
    const text = [
      "{",
      '  "schema_version": "2.0",',
      '  "generated_at": "2026-02-30T00:00:00Z",',
      '  "extra": true,',
      '  "orgs": {',
      '    "acme": {',
      '      "telemetry_repo": "other/telemetry",',
      '      "repos": {',
      '        "widgets": { "state": "on", "process": "", "reason": "x" },',
      '        "bad name!": { "state": "enabled", "context": "sandbox", "process": "infra-cli", "reason": "x" }',
      "      }",
      "    },",
      '    "-bad-": { "repos": {} }',
      "  }",
      "}",
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      { path: "/extra", at: "4:3", message: 'unknown member "extra"' },
      {
        path: "/generated_at",
        at: "3:19",
        message: 'generated_at must be a UTC timestamp such as "2026-11-21T00:00:00Z"',
      },
      {
        path: "/orgs/acme/telemetry_repo",
        at: "7:25",
        message:
          'telemetry_repo "other/telemetry" is in another org: telemetry must stay in acme (cross-org telemetry is forbidden)',
      },
      {
        path: "/orgs/acme/repos/widgets/state",
        at: "9:31",
        message: 'state must be enabled or disabled, not "on"',
      },
      {
        path: "/orgs/acme/repos/widgets/context",
        at: "9:20",
        message: "context is required and has no default: sandbox or production",
      },
      {
        path: "/orgs/acme/repos/widgets/process",
        at: "9:48",
        message: "process must be a non-empty string: what made the change, e.g. infra-cli",
      },
      {
        path: "/orgs/acme/repos/bad name!",
        at: "10:9",
        message: '"bad name!" is not a valid GitHub repository name (letters, digits, ".", "_" and "-" only)',
      },
      {
        path: "/orgs/-bad-",
        at: "13:5",
        message:
          '"-bad-" is not a valid GitHub owner name (letters, digits and single hyphens, not at either end)',
      },
      {
        path: "/orgs/-bad-/telemetry_repo",
        at: "13:14",
        message: "telemetry_repo is required: telemetry is never guessed",
      },
    ]);
  });

  it("refuses a telemetry repo that is also a monitored repo", () => {
    const registry = aRegistry();
    registry.orgs.acme.repos.Telemetry = aRepo();
    expect(problemsOf(registryText(registry))).toEqual([
      expect.objectContaining({
        path: "/orgs/acme/telemetry_repo",
        message:
          "telemetry_repo acme/telemetry is also registered as a monitored repo; telemetry must go to a separate repository",
      }),
    ]);
  });

  it("refuses names that differ only by case, since GitHub treats them as one", () => {
    const registry = aRegistry();
    registry.orgs.ACME = { telemetry_repo: "ACME/t", repos: {} };
    registry.orgs.acme.repos.Widgets = aRepo();
    expect(problemsOf(registryText(registry)).map((p) => p.path)).toEqual([
      "/orgs/acme",
      "/orgs/acme/repos/widgets",
    ]);
  });

  it("refuses a telemetry repo without its owner and one with an invalid name", () => {
    const registry = aRegistry();
    registry.orgs.acme.telemetry_repo = "telemetry";
    registry.orgs.beta = { telemetry_repo: "beta/x.git", repos: {} };
    expect(problemsOf(registryText(registry)).map((p) => p.message)).toEqual([
      'telemetry_repo "telemetry" must name the owner too: "acme/telemetry"',
      'telemetry_repo: "x.git" ends in ".git", which GitHub strips from repository names',
    ]);
  });

  it("refuses duplicated keys by position", () => {
    const text = registryText().replace(
      '"gadgets": {',
      '"widgets": {"state":"enabled"},\n        "gadgets": {',
    );
    expect(problemsOf(text)[0]).toMatchObject({
      path: "/orgs/acme/repos/widgets",
      message: expect.stringMatching(/more than once/),
    });
  });

  it("places a syntax error at its position", () => {
    const text = registryText().replace('"schema_version": "2.0"', '"schema_version": "2.0",');
    expect(problemsOf(text)).toEqual([
      { path: "", at: expect.stringMatching(/^\d+:\d+$/), message: expect.stringMatching(/^invalid JSON: /) },
    ]);
    expect(problemsOf('{"schema_version": "2.0",,}')).toEqual([
      {
        path: "",
        at: "1:26",
        message: 'invalid JSON: unexpected "," : expected a member name in double quotes'.replace(" :", ":"),
      },
    ]);
  });

  it("refuses a document that is not an object, and missing required members at their parent", () => {
    expect(problemsOf("[]")).toEqual([
      { path: "", at: "1:1", message: "the registry must be a JSON object" },
    ]);
    expect(problemsOf("{}").map((p) => `${p.path} ${p.at}`)).toEqual([
      "/schema_version 1:1",
      "/generated_at 1:1",
      "/orgs 1:1",
    ]);
  });
});
