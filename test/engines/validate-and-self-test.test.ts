import { afterEach, describe, expect, it } from "vitest";
import type { SeedDocument } from "../../src/emulator/start-local-github.js";
import type { SeedRepo } from "../../src/emulator/seed/seed-types.js";
import { engine as selfTest } from "../../src/engines/self-test/index.js";
import { engine as validate } from "../../src/engines/validate/index.js";
import {
  CONFIG_PATH,
  expectResultContract,
  startEngineWorld,
  writes,
  type EngineWorld,
} from "./engine-world.js";

const CONFIG = `schema_version: "1.0"
tracks:
  - { id: sprint, label: track/sprint, description: Active sprint work }
labels:
  - { name: phase-1, color: "0E8A16" }
  - { name: phase-2, color: "B60205" }
milestones:
  - title: "Phase 1 – Planning"
  - title: "Phase 2 – Build"
enforcement:
  exclusivity:
    phase: { mode: enforce }
  phase_milestones: { phase-1: "Phase 1 – Planning", phase-2: "Phase 2 – Build" }
`;

/** A repository half prepared: phase-1 and its milestone exist, the rest does not. */
function seedWith(config: string | null = CONFIG, extra: Partial<SeedRepo> = {}): SeedDocument {
  return {
    orgs: [{ login: "acme" }],
    repos: [
      {
        name: "acme/widgets",
        files: { "README.md": "widgets\n", ...(config === null ? {} : { [CONFIG_PATH]: config }) },
        labels: [{ name: "phase-1", color: "0E8A16" }],
        milestones: [{ title: "Phase 1 – Planning" }],
        ...extra,
      },
    ],
  };
}

let world: EngineWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const RULE_CHECKS = [
  "config.limits",
  "config.syntax",
  "config.schema_version",
  "config.structure",
  "config.enums",
  "config.colors",
  "config.characters",
  "config.duplicates",
  "config.references",
  "config.label_conflicts",
];

describe("validate against the local GitHub", () => {
  it("passes a valid config, warning with the materialize hint about what the repository lacks, and writes nothing", async () => {
    world = await startEngineWorld(seedWith());
    const result = await validate.run(world.context());

    expectResultContract(result);
    expect(result.ok).toBe(true);
    expect(result.summary).toBe("Configuration is valid; 2 warnings (run materialize)");
    expect(result.checks.map((check) => `${check.id} ${check.outcome}`)).toEqual([
      "config.load PASS",
      ...RULE_CHECKS.map((id) => `${id} PASS`),
      "repo.labels WARN",
      "repo.milestones WARN",
    ]);
    expect(result.checks.at(-2)?.details).toEqual({
      missing: ["track/sprint", "phase-2"],
      differing: [],
      hint: "run materialize (workflow_dispatch mode: materialize) to create or update them",
    });
    expect(result.checks.at(-1)?.details).toEqual({
      missing: ["Phase 2 – Build"],
      closed: [],
      hint: "run materialize (workflow_dispatch mode: materialize) to create or update them",
    });
    expect(writes(world.sent)).toEqual([]);
    expect((await world.server.stats()).content_creating).toBe(0);
  });

  it("fails an invalid config with one check per rule, every problem located in the file", async () => {
    const broken = CONFIG.replace('color: "B60205"', 'color: "#B60205"').replace(
      "mode: enforce",
      "mode: enforced",
    );
    world = await startEngineWorld(seedWith(`${broken}unknownKey: true\n`));
    const result = await validate.run(world.context());

    expectResultContract(result);
    expect(result.ok).toBe(false);
    expect(result.summary).toBe("Configuration is invalid (3 problems)");
    const failed = result.checks.filter((check) => check.outcome === "FAIL");
    expect(failed).toEqual([
      {
        id: "config.structure",
        outcome: "FAIL",
        details: {
          errors: [
            {
              path: "/unknownKey",
              file: CONFIG_PATH,
              line: 14,
              col: 1,
              message: 'unknown key "unknownKey" in the configuration',
              hint: "remove it; allowed keys: schema_version, tracks, labels, milestones, enforcement",
            },
          ],
        },
      },
      {
        id: "config.enums",
        outcome: "FAIL",
        details: {
          errors: [
            {
              path: "/enforcement/exclusivity/phase/mode",
              file: CONFIG_PATH,
              line: 12,
              col: 20,
              message: 'phase mode must be one of enforce, warn, fail, off, but it is the text "enforced"',
              hint: 'did you mean "enforce"?',
            },
          ],
        },
      },
      {
        id: "config.colors",
        outcome: "FAIL",
        details: {
          errors: [
            {
              path: "/labels/1/color",
              file: CONFIG_PATH,
              line: 6,
              col: 29,
              message: `color "#B60205" must be six hex digits without '#'; GitHub stores colours without it`,
              hint: 'write color: "B60205"',
            },
          ],
        },
      },
    ]);
    expect(world.sent.map((request) => request.path)).toEqual([
      "/repos/acme/widgets/contents/.github/task-assistant.yml",
    ]);
  });

  it("validates the config proposed on a pull request's head, not the default branch's", async () => {
    world = await startEngineWorld(seedWith(CONFIG, { branches: ["proposal"] }));
    const admin = world.server.client();
    const { data: current } = await admin.rest.repos.getContent({
      owner: "acme",
      repo: "widgets",
      path: CONFIG_PATH,
      ref: "proposal",
    });
    await admin.rest.repos.createOrUpdateFileContents({
      owner: "acme",
      repo: "widgets",
      path: CONFIG_PATH,
      branch: "proposal",
      message: "Propose schema 2",
      content: Buffer.from(CONFIG.replace('"1.0"', '"2.0"')).toString("base64"),
      sha: (current as { sha: string }).sha,
    });
    await world.resetRequests();

    const onHead = await validate.run(world.context({ config_ref: "proposal" }));
    expect(onHead.ok).toBe(false);
    expect(onHead.checks).toContainEqual({
      id: "config.schema_version",
      outcome: "FAIL",
      details: {
        errors: [
          expect.objectContaining({
            message: "schema_version 2.0 is not supported by this build; supported: 1.0, 1.1",
            line: 1,
            col: 17,
          }),
        ],
      },
    });
    expect(onHead.checks[0]).toEqual({
      id: "config.load",
      outcome: "PASS",
      details: { path: CONFIG_PATH, ref: "proposal", sha: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });
    expect(world.sent[0].path).toBe("/repos/acme/widgets/contents/.github/task-assistant.yml?ref=proposal");
    expect((await validate.run(world.context())).ok).toBe(true);
  });

  it("fails config.load when the repository has no config", async () => {
    world = await startEngineWorld(seedWith(null));
    const result = await validate.run(world.context());
    expect(result).toMatchObject({
      ok: false,
      summary: "Configuration .github/task-assistant.yml not found",
    });
  });
});

describe("self-test against the local GitHub", () => {
  it("runs the validate checks and reports what materialize would do, without writing", async () => {
    world = await startEngineWorld(seedWith());
    const result = await selfTest.run(world.context());

    expectResultContract(result);
    expect(result.ok).toBe(true);
    expect(result.summary).toBe(
      "Self-test passed: configuration is valid; materialize would create 2 labels, create 1 milestone",
    );
    expect(result.actions).toEqual([]);
    expect(result.materialize_plan).toEqual({
      summary: "create 2 labels, create 1 milestone",
      actions: [
        { id: "label.created", name: "track/sprint", color: "C5DEF5", description: "Active sprint work" },
        { id: "label.created", name: "phase-2", color: "B60205" },
        { id: "milestone.created", title: "Phase 2 – Build" },
      ],
    });
    expect(writes(world.sent)).toEqual([]);
    expect((await world.server.stats()).content_creating).toBe(0);
  });

  it("fails on an invalid config (E2) without listing labels", async () => {
    world = await startEngineWorld(seedWith("::::invalid_yaml"));
    const result = await selfTest.run(world.context());
    expect(result.ok).toBe(false);
    expect(result.checks.map((check) => `${check.id} ${check.outcome}`)).toEqual([
      "config.load PASS",
      "config.limits PASS",
      "config.syntax PASS",
      "config.structure FAIL",
    ]);
    expect(world.sent).toHaveLength(1);
  });
});
