import { describe, expect, it } from "vitest";
import { checkActionPins } from "./check-action-pins.js";

const CHECKOUT = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8";
const SETUP_NODE = "actions/setup-node@a0853c24544627f65ddf259abe73b1d18a591444";

const workflow = (...uses: string[]) => `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
${uses.map((use) => `      - uses: ${use}`).join("\n")}
      - run: echo done
`;

describe("checkActionPins", () => {
  it("accepts the Node 24 versions of checkout and setup-node pinned by SHA, and local actions", () => {
    expect(
      checkActionPins(workflow(CHECKOUT, `${SETUP_NODE} # v5.0.0`, "./.github/actions/x"), "ci.yml"),
    ).toEqual([]);
  });

  it("refuses a tag, naming the file, line and the pin to use", () => {
    const problems = checkActionPins(workflow("actions/checkout@v5"), "ci.yml");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "ci.yml", line: 6, path: "/jobs/build/steps/0/uses" });
    expect(problems[0].message).toContain("not pinned by commit SHA");
    expect(problems[0].hint).toBe(`use ${CHECKOUT} # v5.0.0`);
  });

  it("refuses a SHA of a version not checked for Node 24 (checkout v4.2.2 runs on Node 20)", () => {
    const problems = checkActionPins(
      workflow("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"),
      "ci.yml",
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 is not the commit checked to run on Node 24 (v5.0.0)",
    ]);
  });

  it("refuses an action that is not in the checked list, and a container action", () => {
    const problems = checkActionPins(
      workflow("someone/tool@0123456789012345678901234567890123456789", "docker://alpine:3"),
      "ci.yml",
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      "/jobs/build/steps/0/uses",
      "/jobs/build/steps/1/uses",
    ]);
    expect(problems[0].message).toContain("not an action checked to run on Node 24");
  });

  it("allows this project's reusable workflows at a release, and refuses another's at a tag", () => {
    const text = `on: push
jobs:
  ours:
    uses: automated-assistant-systems/task-assistant/.github/workflows/dispatch.yml@v1
  theirs:
    uses: someone/repo/.github/workflows/x.yml@main
`;
    const problems = checkActionPins(text, "host.yml");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "/jobs/theirs/uses", line: 6 });
  });
});
