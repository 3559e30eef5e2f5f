import { describe, expect, it } from "vitest";
import { validateConfig } from "./validate-config.js";

const FILE = ".github/task-assistant.yml";

/** The config v1 example of DESIGN §5.3, valid as written. */
const DESIGN_EXAMPLE = `schema_version: "1.0"
tracks:     [{ id: sprint, label: track/sprint, description: Active sprint work }]
labels:     [{ name: phase-1, color: "0E8A16", description: Phase 1 }]
milestones: [{ title: "Phase 1 – Planning" }]
enforcement:
  exclusivity:
    phase:    { mode: enforce, strategy: highest }
    priority: { mode: warn }
    track:    { mode: fail }
    state:    { mode: enforce, terminal: [state/done] }
  phase_milestones: { phase-1: "Phase 1 – Planning" }
`;

function errorsOf(text: string) {
  const result = validateConfig(text, { file: FILE });
  if (!("errors" in result))
    throw new Error(`expected errors, got a valid config: ${JSON.stringify(result.value)}`);
  return result.errors;
}

/** `line:col pointer rule` for each problem: the compact form most assertions use. */
function where(text: string) {
  return errorsOf(text).map((problem) => `${problem.line}:${problem.col} ${problem.path} ${problem.rule}`);
}

const lists = 'schema_version: "1.0"\ntracks: []\nlabels: []\nmilestones: []\n';

describe("validateConfig: accepted configurations", () => {
  it("reads the DESIGN example once the terminal state it names is declared", () => {
    const text = DESIGN_EXAMPLE.replace(
      'labels:     [{ name: phase-1, color: "0E8A16", description: Phase 1 }]',
      'labels:     [{ name: phase-1, color: "0E8A16", description: Phase 1 }, { name: state/done, color: "5319e7" }]',
    );
    const result = validateConfig(text, { file: FILE });
    expect(result).toEqual({
      checked: expect.any(Array),
      value: {
        schema_version: "1.0",
        tracks: [{ id: "sprint", label: "track/sprint", description: "Active sprint work" }],
        labels: [
          { name: "phase-1", color: "0E8A16", description: "Phase 1" },
          { name: "state/done", color: "5319e7" },
        ],
        milestones: [{ title: "Phase 1 – Planning" }],
        enforcement: {
          exclusivity: {
            phase: { mode: "enforce", strategy: "highest" },
            priority: { mode: "warn", strategy: "highest" },
            track: { mode: "fail", strategy: "highest" },
            state: { mode: "enforce", strategy: "highest", terminal: ["state/done"] },
          },
          phase_milestones: { "phase-1": "Phase 1 – Planning" },
        },
      },
    });
  });

  it("accepts empty lists and no enforcement section", () => {
    expect(validateConfig(lists)).toMatchObject({
      value: { schema_version: "1.0", tracks: [], labels: [], milestones: [] },
    });
    expect("enforcement" in (validateConfig(lists) as { value: object }).value).toBe(false);
  });

  it("treats a track label listed again under labels with a compatible definition as one label", () => {
    const text = `schema_version: "1.0"
tracks: [{ id: sprint, label: track/sprint, description: Sprint }]
labels:
  - { name: Track/Sprint, color: "C5DEF5", description: Sprint }
  - { name: track/backlog, color: "EDEDED" }
milestones: []
`;
    expect("value" in validateConfig(text)).toBe(true);
  });
});

describe("validateConfig: refusals, each located with a fix", () => {
  it("refuses an unsupported schema_version by name and checks nothing else", () => {
    const errors = errorsOf('schema_version: "2.0"\norgs: {}\n');
    expect(errors).toEqual([
      {
        rule: "config.schema_version",
        path: "/schema_version",
        message: "schema_version 2.0 is not supported by this build; supported: 1.0, 1.1",
        file: FILE,
        line: 1,
        col: 17,
        hint: 'write schema_version: "1.0" with the v1 keys, or run a Task Assistant release that reads 2.0',
      },
    ]);
  });

  it("asks for a quoted schema_version when YAML read a number", () => {
    const [problem] = errorsOf(lists.replace('"1.0"', "1.0"));
    expect(problem).toMatchObject({
      rule: "config.schema_version",
      message: "schema_version must be a quoted string; YAML read 1.0 as a number",
      hint: 'write schema_version: "1.0"',
      line: 1,
      col: 17,
    });
  });

  it("refuses colours with '#', with a hint that drops it", () => {
    const [problem] = errorsOf(lists.replace("labels: []", 'labels:\n  - name: bug\n    color: "#d73a4a"'));
    expect(problem).toMatchObject({
      rule: "config.colors",
      path: "/labels/0/color",
      line: 5,
      col: 12,
      message: `color "#d73a4a" must be six hex digits without '#'; GitHub stores colours without it`,
      hint: 'write color: "d73a4a"',
    });
  });

  it("explains a colour YAML read as a number and asks to quote it", () => {
    const [problem] = errorsOf(lists.replace("labels: []", "labels: [{ name: black, color: 000000 }]"));
    expect(problem).toMatchObject({
      rule: "config.colors",
      message: 'color 000000 was read by YAML as a number, not as the colour "000000"',
      hint: 'quote it: color: "000000"',
    });
  });

  it("refuses colours that are not six hex digits", () => {
    expect(
      where(lists.replace("labels: []", 'labels: [{ name: a, color: "fff" }, { name: b, color: "GGGGGG" }]')),
    ).toEqual(["3:28 /labels/0/color config.colors", "3:55 /labels/1/color config.colors"]);
  });

  it("refuses unknown keys at every level, suggesting the likely key", () => {
    const text = `schema_version: "1.0"
tracks: [{ id: a, label: track/a, colour: x }]
labels: []
milestones: []
enforcement:
  exclusivity:
    phase: { mode: enforce, stratgy: lowest }
  phase_milestone: {}
`;
    const errors = errorsOf(text);
    expect(errors.map((p) => [p.path, p.line, p.col, p.hint])).toEqual([
      ["/tracks/0/colour", 2, 35, "remove it; allowed keys: id, label, description"],
      [
        "/enforcement/exclusivity/phase/stratgy",
        7,
        29,
        'did you mean "strategy"?; allowed keys: mode, strategy',
      ],
      [
        "/enforcement/phase_milestone",
        8,
        3,
        'did you mean "phase_milestones"?; allowed keys: exclusivity, phase_milestones',
      ],
    ]);
  });

  it("refuses modes and strategies outside their enums", () => {
    const text = `${lists}enforcement:
  exclusivity:
    phase: { mode: enforced, strategy: newest }
    track: { mode: true }
`;
    const errors = errorsOf(text);
    expect(errors.map((p) => [p.path, p.rule, p.message, p.hint])).toEqual([
      [
        "/enforcement/exclusivity/phase/mode",
        "config.enums",
        'phase mode must be one of enforce, warn, fail, off, but it is the text "enforced"',
        'did you mean "enforce"?',
      ],
      [
        "/enforcement/exclusivity/phase/strategy",
        "config.enums",
        'phase strategy must be one of highest, lowest, but it is the text "newest"',
        "use one of: highest, lowest",
      ],
      [
        "/enforcement/exclusivity/track/mode",
        "config.enums",
        "track mode must be one of enforce, warn, fail, off, but it is the boolean true",
        "use one of: enforce, warn, fail, off",
      ],
    ]);
  });

  it("allows terminal states only in the state group", () => {
    expect(
      where(`${lists}enforcement:\n  exclusivity:\n    phase: { mode: enforce, terminal: [phase-9] }\n`),
    ).toEqual(["7:29 /enforcement/exclusivity/phase/terminal config.structure"]);
  });

  it("reports duplicates: track ids, labels case-insensitively, milestone titles, repeated keys", () => {
    const text = `schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint }
  - { id: sprint, label: track/later }
  - { id: other, label: TRACK/SPRINT }
labels:
  - { name: Phase-1, color: "000000" }
  - { name: phase-1, color: "000000" }
milestones:
  - title: M1
  - title: M1
  - title: m1
milestones: []
`;
    const errors = errorsOf(text);
    expect(errors.map((p) => `${p.line}:${p.col} ${p.path} ${p.rule}: ${p.message}`)).toEqual([
      '4:11 /tracks/1/id config.duplicates: track id "sprint" is used twice (first at 3:11, /tracks/0/id)',
      '5:25 /tracks/2/label config.duplicates: label "TRACK/SPRINT" is the label of two tracks (first at 3:26, /tracks/0/label)',
      '8:13 /labels/1/name config.duplicates: label "phase-1" is declared twice under labels (first at 7:13, /labels/0/name)',
      '11:12 /milestones/1/title config.duplicates: milestone "M1" is declared twice (first at 10:12, /milestones/0/title)',
      '13:1 /milestones config.structure: the key "milestones" appears twice in the configuration (first at 9:1)',
    ]);
  });

  it("refuses a track label redeclared under labels with a different description", () => {
    const text = `schema_version: "1.0"
tracks: [{ id: sprint, label: track/sprint, description: Sprint work }]
labels: [{ name: track/sprint, color: "C5DEF5", description: Current sprint }]
milestones: []
`;
    const [problem] = errorsOf(text);
    expect(problem).toMatchObject({
      rule: "config.label_conflicts",
      path: "/labels/0/description",
      line: 3,
      col: 62,
      hint: "give both the same description, or leave the description out of one of them",
    });
    expect(problem.message).toBe(
      'label "track/sprint" is the label of track "sprint" (2:10) and is declared again here with a different description ("Current sprint" vs "Sprint work")',
    );
  });

  it("requires phase_milestones keys to be declared phase- labels and values declared milestones", () => {
    const text = `schema_version: "1.0"
tracks: []
labels: [{ name: phase-1, color: "0E8A16" }, { name: bug, color: "d73a4a" }]
milestones: [{ title: "Phase 1 – Planning" }]
enforcement:
  phase_milestones:
    phase-1: "Phase 1 - Planning"
    phase-2: "Phase 1 – Planning"
    bug: "Phase 1 – Planning"
    Phase-1: "Phase 1 – Planning"
`;
    const errors = errorsOf(text);
    expect(errors.map((p) => `${p.line}:${p.col} ${p.path} ${p.rule}: ${p.message} | ${p.hint}`)).toEqual([
      '7:14 /enforcement/phase_milestones/phase-1 config.references: milestone "Phase 1 - Planning" (mapped from phase-1) is not declared under milestones | did you mean "Phase 1 – Planning"? Titles must match exactly',
      '8:5 /enforcement/phase_milestones/phase-2 config.references: phase_milestones key "phase-2" is not a declared label | declare it under labels (e.g. - { name: phase-2, color: "0E8A16" }), or fix the name',
      '9:5 /enforcement/phase_milestones/bug config.references: phase_milestones key "bug" is not a phase- label | use a label whose name starts with "phase-", such as phase-1',
      '10:5 /enforcement/phase_milestones/Phase-1 config.duplicates: phase label "Phase-1" is mapped twice (first at 7:5 as "phase-1") | keep one entry; GitHub label names are case-insensitive',
    ]);
  });

  it("still counts a label with a bad colour as declared, so references to it are not reported too", () => {
    const text = `schema_version: "1.0"
tracks: []
labels: [{ name: phase-1, color: "#0E8A16" }]
milestones: [{ title: M1 }]
enforcement: { phase_milestones: { phase-1: M1 } }
`;
    expect(where(text)).toEqual(["3:34 /labels/0/color config.colors"]);
  });

  it("requires terminal states to be declared state/ labels", () => {
    const text = `${lists.replace("labels: []", 'labels: [{ name: state/done, color: "5319E7" }]')}enforcement:
  exclusivity:
    state: { mode: enforce, terminal: [state/done, State/Done, state/closed, done] }
`;
    expect(errorsOf(text).map((p) => `${p.path} ${p.rule}`)).toEqual([
      "/enforcement/exclusivity/state/terminal/1 config.duplicates",
      "/enforcement/exclusivity/state/terminal/2 config.references",
      "/enforcement/exclusivity/state/terminal/3 config.references",
    ]);
  });

  it("checks GitHub's length limits and refuses names GitHub would trim", () => {
    const long = "x".repeat(51);
    const text = lists.replace(
      "labels: []",
      `labels:\n  - { name: ${long}, color: "000000" }\n  - { name: " padded", color: "000000", description: ${"d".repeat(101)} }`,
    );
    expect(errorsOf(text).map((p) => p.message)).toEqual([
      "label name is 51 characters long; GitHub allows at most 50",
      'label name " padded" has leading or trailing spaces',
      "description is 101 characters long; GitHub allows at most 100",
    ]);
  });

  it("refuses invisible and bidirectional-control characters in names and titles, at file:line:col", () => {
    const text = `schema_version: "1.0"
tracks: [{ id: "sprint\\u200d", label: "track/\\u202esprint" }]
labels:
  - { name: phase-1, color: "0E8A16" }
  - { name: "phase-\\u200b1", color: "0E8A16" }
  - { name: "👩‍💻 dev", color: "0E8A16" }
milestones: [{ title: "Phase\\u2066 1" }]
`;
    expect(
      errorsOf(text).map((p) => `${p.file}:${p.line}:${p.col} ${p.path} ${p.rule}: ${p.message}`),
    ).toEqual([
      `${FILE}:2:16 /tracks/0/id config.characters: track id "sprint\\u200d" holds U+200D ZERO WIDTH JOINER at character 7; it looks like "sprint" but is a different name`,
      `${FILE}:2:39 /tracks/0/label config.characters: track label "track/\\u202esprint" holds U+202E RIGHT-TO-LEFT OVERRIDE at character 7; it looks like "track/sprint" but is a different name`,
      `${FILE}:5:13 /labels/1/name config.characters: label name "phase-\\u200b1" holds U+200B ZERO WIDTH SPACE at character 7; it looks like "phase-1" but is a different name`,
      `${FILE}:7:23 /milestones/0/title config.characters: milestone title "Phase\\u2066 1" holds U+2066 LEFT-TO-RIGHT ISOLATE at character 6; it looks like "Phase 1" but is a different name`,
    ]);
  });

  it("asks for lists and mappings where they belong, saying what it found", () => {
    const text = `schema_version: "1.0"
tracks:
labels: { name: x }
milestones: [Phase 1]
`;
    expect(errorsOf(text).map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      "2:8 /tracks: tracks must be a list, but it is an empty value",
      "3:9 /labels: labels must be a list, but it is a mapping",
      '4:14 /milestones/0: a milestone must be a mapping, but it is the text "Phase 1"',
    ]);
  });

  it("reports YAML syntax errors with their position and checks nothing else", () => {
    const errors = errorsOf('schema_version: "1.0"\ntracks: [\n  { id: a\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((p) => p.rule === "config.syntax" && p.line !== undefined && p.file === FILE)).toBe(
      true,
    );
    expect(errors[0].message).toMatch(/^YAML syntax error: /);
  });

  it("refuses an empty file", () => {
    expect(errorsOf("# nothing yet\n")).toEqual([
      expect.objectContaining({ path: "", line: 1, col: 1, message: "the configuration file is empty" }),
    ]);
  });

  it("lists every problem in file order rather than stopping at the first", () => {
    const text = `schema_version: "1.0"
tracks: [{ id: a }]
labels: [{ name: x, color: "#000000" }]
milestones: [{}]
extra: 1
`;
    expect(where(text)).toEqual([
      "2:10 /tracks/0/label config.structure",
      "3:28 /labels/0/color config.colors",
      "4:14 /milestones/0/title config.structure",
      "5:1 /extra config.structure",
    ]);
  });
});
