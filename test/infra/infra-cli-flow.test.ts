import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/util/git-blob-sha.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { anInfraRepo, gitIn, infraFiles, runCli } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const registerWidgets = [
  "infra",
  "register",
  "--owner",
  "acme",
  "--repo",
  "widgets",
  "--context",
  "production",
  "--telemetry-repo",
  "task-assistant-telemetry",
  "--reason",
  "Widgets team onboarding",
];

async function onBranch(name = "change"): Promise<string> {
  const root = await anInfraRepo(() => dirs.make());
  expect((await runCli(root, ["infra", "branch", name])).code).toBe(0);
  return root;
}

describe("infra init", () => {
  it("scaffolds an empty registry, an empty changelog, a README and .gitignore in a new git repo on main", async () => {
    const dir = join(await dirs.make(), "task-assistant-infra");
    const result = await runCli(dir, ["infra", "init"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(git init, branch main)");
    const files = await infraFiles(dir);
    expect(files.registry).toMatchObject({ schema_version: "2.0", orgs: {} });
    expect(files.changelogText).toBe("");
    expect(await readFile(join(dir, "README.md"), "utf8")).toContain("task-assistant infra finalize");
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toContain("/infra/.infra-txn.json");
    expect(await gitIn(dir, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect((await runCli(dir, ["infra", "validate"])).code).toBe(0);
  });

  it("refuses to scaffold over an existing registry and leaves it untouched", async () => {
    const root = await anInfraRepo(() => dirs.make());
    const before = await infraFiles(root);
    const again = await runCli(root, ["infra", "init"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    expect(await infraFiles(root)).toEqual(before);
  });
});

describe("the operator flow: branch → register → enable/disable → unregister → finalize → commit", () => {
  it("records every change in both files and stages exactly them", async () => {
    const root = await onBranch("onboard-acme");
    const steps = [
      registerWidgets,
      [
        "infra",
        "register",
        "--owner",
        "acme",
        "--repo",
        "gadgets",
        "--context",
        "sandbox",
        "--reason",
        "Trial",
      ],
      ["infra", "disable", "--owner", "acme", "--repo", "widgets", "--reason", "Incident 42"],
      ["infra", "enable", "--owner", "acme", "--repo", "widgets", "--reason", "Incident 42 resolved"],
      ["infra", "unregister", "--owner", "acme", "--repo", "gadgets", "--reason", "Trial over", "--confirm"],
    ];
    for (const step of steps) {
      const result = await runCli(root, step);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    }

    const { registry, lines } = await infraFiles(root);
    expect(registry.orgs).toEqual({
      acme: {
        telemetry_repo: "acme/task-assistant-telemetry",
        repos: {
          widgets: {
            state: "enabled",
            context: "production",
            process: "infra-cli",
            reason: "Incident 42 resolved",
          },
        },
      },
    });
    expect(lines.map((line) => [line.action, line.repo, line.context, line.process])).toEqual([
      ["register", "widgets", "production", "infra-cli"],
      ["register", "gadgets", "sandbox", "infra-cli"],
      ["disable", "widgets", "production", "infra-cli"],
      ["enable", "widgets", "production", "infra-cli"],
      ["unregister", "gadgets", "sandbox", "infra-cli"],
    ]);
    expect(lines[1].telemetry_repo).toBe("acme/task-assistant-telemetry");
    expect(registry.generated_at).toBe(lines[4].timestamp);

    const finalized = await runCli(root, ["infra", "finalize"]);
    expect(finalized.code).toBe(0);
    expect(finalized.stdout).toContain("5 changes against main, valid and staged");
    expect(finalized.stdout).toContain("disable acme/widgets (production): Incident 42");
    expect((await gitIn(root, "diff", "--cached", "--name-only")).split("\n")).toEqual([
      CHANGELOG_PATH,
      REGISTRY_PATH,
    ]);
    expect(await gitIn(root, "diff", "--name-only")).toBe("");

    const staged = await runCli(root, ["infra", "validate", "--staged", "--json"]);
    expect(staged.code).toBe(0);
    expect(JSON.parse(staged.stdout)).toMatchObject({
      ok: true,
      source: "staged",
      registry: { valid: true, sha: gitBlobSha((await infraFiles(root)).registryText) },
      changelog: { valid: true, lines: 5 },
    });

    await gitIn(root, "commit", "--quiet", "-m", "Onboard acme");
    expect(await gitIn(root, "status", "--porcelain")).toBe("");
    expect((await runCli(root, ["infra", "resolve", "acme/widgets"])).code).toBe(0);
  });

  it("prints what it changed and what to do next", async () => {
    const root = await onBranch();
    const result = await runCli(root, registerWidgets);
    expect(result.stdout).toMatch(
      /^registered acme\/widgets \(production, enabled\); telemetry goes to acme\/task-assistant-telemetry\nchangelog: \{"action":"register",/,
    );
    expect(result.stdout).toContain("next: make any other changes, then `task-assistant infra finalize`");
  });
});

describe("every refusal exits 2, says what is wrong and how to fix it, and leaves the files untouched", () => {
  async function expectRefused(root: string, args: string[], message: RegExp, hint: RegExp) {
    const before = await infraFiles(root);
    const result = await runCli(root, args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(hint);
    expect(await infraFiles(root)).toEqual(before);
  }

  it("refuses mutations on main", async () => {
    const root = await anInfraRepo(() => dirs.make());
    await expectRefused(
      root,
      registerWidgets,
      /refusing to register on main/,
      /hint: create a branch first: task-assistant infra branch NAME/,
    );
  });

  it("refuses mutations on a detached HEAD", async () => {
    const root = await anInfraRepo(() => dirs.make());
    await gitIn(root, "switch", "--quiet", "--detach");
    await expectRefused(
      root,
      registerWidgets,
      /refusing to register on a detached HEAD/,
      /hint: switch to a feature branch/,
    );
  });

  it("refuses mutations while other files have uncommitted changes", async () => {
    const root = await onBranch();
    await writeFile(join(root, "notes.txt"), "scratch\n");
    await expectRefused(
      root,
      registerWidgets,
      /files other than the registry and changelog have uncommitted changes \(\?\? notes.txt\)/,
      /hint: commit, move or discard/,
    );
    await gitIn(root, "add", "notes.txt");
    await gitIn(root, "commit", "--quiet", "-m", "notes");
    await writeFile(join(root, "README.md"), "edited\n");
    await expectRefused(root, registerWidgets, /\(M README.md\)/, /hint:/);
  });

  it("refuses bad or missing flags, naming the flag", async () => {
    const root = await onBranch();
    const base = ["infra", "register", "--owner", "acme", "--repo", "widgets", "--reason", "r"];
    await expectRefused(
      root,
      [...base, "--telemetry-repo", "t"],
      /--context is required/,
      /hint: see `task-assistant infra register --help`/,
    );
    await expectRefused(
      root,
      [...base, "--context", "staging", "--telemetry-repo", "t"],
      /context must be sandbox or production, not "staging"/,
      /there is no default/,
    );
    await expectRefused(
      root,
      [...base, "--context", "sandbox", "--telemetry", "t"],
      /unknown option --telemetry \(did you mean --telemetry-repo\?\)/,
      /--help/,
    );
    await expectRefused(
      root,
      [...base, "--context", "sandbox"],
      /its first repository must set the org's telemetry repo/,
      /pass --telemetry-repo NAME/,
    );
    await expectRefused(
      root,
      [...base, "--context", "sandbox", "--telemetry-repo", "other/t"],
      /cross-org telemetry is forbidden/,
      /--telemetry-repo t/,
    );
    await expectRefused(
      root,
      [
        "infra",
        "register",
        "--owner",
        "ac_me",
        "--repo",
        "x",
        "--context",
        "sandbox",
        "--telemetry-repo",
        "t",
        "--reason",
        "r",
      ],
      /not a valid GitHub owner name/,
      /--owner/,
    );
    await expectRefused(
      root,
      [...base, "--context", "sandbox", "--telemetry-repo", "widgets"],
      /is acme's telemetry repo and cannot also be a monitored repo/,
      /hint:/,
    );
  });

  it("refuses changes that contradict the registry", async () => {
    const root = await onBranch();
    expect((await runCli(root, registerWidgets)).code).toBe(0);
    await expectRefused(
      root,
      registerWidgets,
      /acme\/widgets is already registered \(enabled, production\)/,
      /use `infra enable` or `infra disable`/,
    );
    await expectRefused(
      root,
      [
        "infra",
        "register",
        "--owner",
        "acme",
        "--repo",
        "more",
        "--context",
        "sandbox",
        "--telemetry-repo",
        "elsewhere",
        "--reason",
        "r",
      ],
      /org acme already sends telemetry to acme\/task-assistant-telemetry/,
      /omit --telemetry-repo/,
    );
    await expectRefused(
      root,
      ["infra", "enable", "--owner", "acme", "--repo", "widgets", "--reason", "r"],
      /already enabled/,
      /only a disabled repository can be enabled/,
    );
    await expectRefused(
      root,
      ["infra", "disable", "--owner", "acme", "--repo", "nothing", "--reason", "r"],
      /acme\/nothing is not registered/,
      /run `infra register` first/,
    );
    await expectRefused(
      root,
      ["infra", "unregister", "--owner", "acme", "--repo", "widgets", "--reason", "r"],
      /needs --confirm/,
      /add --confirm/,
    );
    await expectRefused(
      root,
      ["infra", "disable", "--owner", "Acme", "--repo", "widgets", "--reason", "r"],
      /org Acme is registered as "acme"/,
      /use --owner acme/,
    );
  });

  it("refuses to change a registry that was broken by hand, listing its problems", async () => {
    const root = await onBranch();
    await writeFile(join(root, REGISTRY_PATH), '{"schema_version": "3.0", "orgs": {}}\n');
    await expectRefused(
      root,
      registerWidgets,
      /schema_version 3.0 is not supported by this build; supported: 2.0/,
      /hint: fix the problems listed/,
    );
  });
});

describe("infra branch", () => {
  it("refuses a dirty tree, a detached HEAD, an existing branch and an invalid name", async () => {
    const root = await anInfraRepo(() => dirs.make());
    expect((await runCli(root, ["infra", "branch", "first"])).code).toBe(0);
    await gitIn(root, "switch", "--quiet", "main");
    const taken = await runCli(root, ["infra", "branch", "first"]);
    expect([taken.code, taken.stderr]).toEqual([2, expect.stringMatching(/branch first already exists/)]);
    const invalid = await runCli(root, ["infra", "branch", "bad..name"]);
    expect([invalid.code, invalid.stderr]).toEqual([
      2,
      expect.stringMatching(/"bad..name" is not a valid branch name/),
    ]);
    await writeFile(join(root, "scratch.txt"), "x");
    const dirty = await runCli(root, ["infra", "branch", "second"]);
    expect([dirty.code, dirty.stderr]).toEqual([
      2,
      expect.stringMatching(/uncommitted changes \(\?\? scratch.txt\)/),
    ]);
    await gitIn(root, "clean", "-fq");
    await gitIn(root, "switch", "--quiet", "--detach");
    const detached = await runCli(root, ["infra", "branch", "third"]);
    expect([detached.code, detached.stderr]).toEqual([2, expect.stringMatching(/detached HEAD/)]);
    expect(await gitIn(root, "for-each-ref", "--format=%(refname:short)", "refs/heads")).toBe("first\nmain");
  });
});

describe("infra finalize", () => {
  it("refuses on main", async () => {
    const root = await anInfraRepo(() => dirs.make());
    const result = await runCli(root, ["infra", "finalize"]);
    expect([result.code, result.stderr]).toEqual([2, expect.stringMatching(/refusing to finalize on main/)]);
  });

  it("refuses a branch that changes nothing", async () => {
    const root = await onBranch();
    const result = await runCli(root, ["infra", "finalize"]);
    expect([result.code, result.stderr]).toEqual([
      2,
      expect.stringMatching(/does not change the registry or changelog/),
    ]);
  });

  it("refuses a change that also touches other files, even committed ones", async () => {
    const root = await onBranch();
    await writeFile(join(root, "README.md"), "changed\n");
    await gitIn(root, "commit", "--quiet", "-am", "Edit the README");
    expect((await runCli(root, registerWidgets)).code).toBe(0);
    const result = await runCli(root, ["infra", "finalize"]);
    expect([result.code, result.stderr]).toEqual([
      2,
      expect.stringMatching(/touches files other than the registry and changelog: README.md/),
    ]);
    expect(await gitIn(root, "diff", "--cached", "--name-only")).toBe("");
  });

  it("refuses a registry edited by hand, pointing at the edit", async () => {
    const root = await onBranch();
    expect((await runCli(root, registerWidgets)).code).toBe(0);
    const text = await readFile(join(root, REGISTRY_PATH), "utf8");
    await writeFile(join(root, REGISTRY_PATH), text.replace('"production"', '"sandbox"'));
    const result = await runCli(root, ["infra", "finalize"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /infra\/telemetry-registry\.v2\.json:\d+:\d+ \/orgs\/acme\/repos\/widgets\/context: the registry is not what its changelog lines produce \(\/orgs\/acme\/repos\/widgets\/context should be "production"\)/,
    );
    expect(await gitIn(root, "diff", "--cached", "--name-only")).toBe("");
  });

  it("refuses a changelog whose existing lines were rewritten", async () => {
    const root = await onBranch();
    expect((await runCli(root, registerWidgets)).code).toBe(0);
    expect((await runCli(root, ["infra", "finalize"])).code).toBe(0);
    await gitIn(root, "commit", "--quiet", "-m", "Register widgets");
    await gitIn(root, "switch", "--quiet", "main");
    await gitIn(root, "merge", "--quiet", "--ff-only", "change");
    expect((await runCli(root, ["infra", "branch", "second"])).code).toBe(0);
    expect(
      (await runCli(root, ["infra", "disable", "--owner", "acme", "--repo", "widgets", "--reason", "pause"]))
        .code,
    ).toBe(0);
    const changelog = await readFile(join(root, CHANGELOG_PATH), "utf8");
    await writeFile(
      join(root, CHANGELOG_PATH),
      changelog.replace("Widgets team onboarding", "Rewritten history"),
    );
    const result = await runCli(root, ["infra", "finalize"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/infra-changelog\.jsonl:1:1 \/0: changelog line 1 differs from main/);
  });
});

describe("infra abort", () => {
  it("discards the change, returns to main and deletes the branch", async () => {
    const root = await onBranch("doomed");
    const before = await readFile(join(root, REGISTRY_PATH), "utf8");
    expect((await runCli(root, registerWidgets)).code).toBe(0);
    const result = await runCli(root, ["infra", "abort"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("aborted doomed");
    expect(await gitIn(root, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(await gitIn(root, "branch", "--format=%(refname:short)")).toBe("main");
    expect(await readFile(join(root, REGISTRY_PATH), "utf8")).toBe(before);
    expect(await gitIn(root, "status", "--porcelain")).toBe("");
  });

  it("refuses on main and when other files have changes", async () => {
    const root = await anInfraRepo(() => dirs.make());
    const onMain = await runCli(root, ["infra", "abort"]);
    expect([onMain.code, onMain.stderr]).toEqual([2, expect.stringMatching(/refusing to abort on main/)]);
    expect((await runCli(root, ["infra", "branch", "keep"])).code).toBe(0);
    await writeFile(join(root, "work.txt"), "precious\n");
    const dirty = await runCli(root, ["infra", "abort"]);
    expect([dirty.code, dirty.stderr]).toEqual([
      2,
      expect.stringMatching(
        /refusing to abort: files other than the registry and changelog have changes \(\?\? work.txt\)/,
      ),
    ]);
    expect(await gitIn(root, "symbolic-ref", "--short", "HEAD")).toBe("keep");
    expect(await readFile(join(root, "work.txt"), "utf8")).toBe("precious\n");
  });
});
