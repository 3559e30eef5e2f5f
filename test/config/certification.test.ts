import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate-config.js";

/**
 * Config certification E1–E4: the four broken files operators use to check that a deployment
 * refuses bad configuration. Each must give exactly these problems, at exactly these positions.
 */
const FILE = ".github/task-assistant.yml";

const CERTIFIED = `schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint, description: Active sprint work }
labels:
  - { name: phase-1, color: "0E8A16", description: Phase 1 }
milestones:
  - title: "Phase 1 – Planning"
enforcement:
  exclusivity:
    phase: { mode: enforce, strategy: highest }
  phase_milestones: { phase-1: "Phase 1 – Planning" }
`;

describe("config certification", () => {
  it("the unmodified certification config is valid", () => {
    expect("value" in validateConfig(CERTIFIED, { file: FILE })).toBe(true);
  });

  it("E1: the tracks section missing", () => {
    const text = CERTIFIED.replace(
      "tracks:\n  - { id: sprint, label: track/sprint, description: Active sprint work }\n",
      "",
    );
    expect(validateConfig(text, { file: FILE })).toEqual({
      checked: expect.any(Array),
      errors: [
        {
          rule: "config.structure",
          path: "/tracks",
          file: FILE,
          line: 1,
          col: 1,
          message: 'required key "tracks" is missing from the configuration',
          hint: "add `tracks:` with a list of { id, label, description }, or `tracks: []` for none",
        },
      ],
    });
  });

  it("E2: the file is ::::invalid_yaml", () => {
    expect(validateConfig("::::invalid_yaml", { file: FILE })).toEqual({
      checked: ["config.limits", "config.syntax", "config.structure"],
      errors: [
        {
          rule: "config.structure",
          path: "",
          file: FILE,
          line: 1,
          col: 1,
          message: 'the configuration must be a mapping, but it is the text "::::invalid_yaml"',
          hint:
            'write it as a mapping of keys, starting with the line `schema_version: "1.0"`, ' +
            "then tracks, labels and milestones",
        },
      ],
    });
  });

  it("E3: an unknown top-level key", () => {
    expect(validateConfig(`${CERTIFIED}unknownKey: true\n`, { file: FILE })).toEqual({
      checked: expect.any(Array),
      errors: [
        {
          rule: "config.structure",
          path: "/unknownKey",
          file: FILE,
          line: 12,
          col: 1,
          message: 'unknown key "unknownKey" in the configuration',
          hint: "remove it; allowed keys: schema_version, tracks, labels, milestones, enforcement",
        },
      ],
    });
  });

  it("E4: enforcement: true", () => {
    const text = CERTIFIED.slice(0, CERTIFIED.indexOf("enforcement:")) + "enforcement: true\n";
    expect(validateConfig(text, { file: FILE })).toEqual({
      checked: expect.any(Array),
      errors: [
        {
          rule: "config.structure",
          path: "/enforcement",
          file: FILE,
          line: 8,
          col: 14,
          message: "the enforcement section must be a mapping, but it is the boolean true",
          hint:
            "write it as a mapping with `exclusivity:` and/or `phase_milestones:` under it, " +
            "or leave `enforcement` out for no enforcement",
        },
      ],
    });
  });
});
