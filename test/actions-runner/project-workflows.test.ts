import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directoryWorkflowFiles } from "../../src/actions-runner/directory-workflow-files.js";
import { loadWorkflow, type LoadedWorkflow } from "../../src/actions-runner/load-workflow.js";

const ROOT = join(import.meta.dirname, "..", "..");
const PROJECT = "automated-assistant-systems/task-assistant";
const HOST = "acme/host";
const files = directoryWorkflowFiles({ [PROJECT]: ROOT, [HOST]: join(ROOT, "templates", "host") });

/** Loads a workflow and, recursively, every reusable workflow it calls, as GitHub would read them. */
async function loadTree(repository: string, path: string): Promise<LoadedWorkflow[]> {
  const top = await loadWorkflow(files, await files.read(repository, path, "v0.1.0"));
  const loaded = [top];
  const visit = async (workflow: LoadedWorkflow): Promise<void> => {
    for (const callee of workflow.callees.values()) {
      const child = await loadWorkflow(files, callee, { level: workflow.level + 1, root: top.file });
      loaded.push(child);
      await visit(child);
    }
  };
  await visit(top);
  return loaded;
}

describe("the project's own workflows, read by the runner's loader", () => {
  it("wires the host's thin caller through dispatch.yml to every engine workflow: inputs, secrets and outputs all declared", async () => {
    const tree = await loadTree(HOST, "task-assistant-dispatch.yml");
    expect(tree[0]?.callees.size).toBe(1);
    expect(tree[1]?.callees.size).toBe(7);
    expect(tree.map((workflow) => workflow.file.path).sort()).toEqual([
      ".github/workflows/dispatch.yml",
      ".github/workflows/engine-dashboard.yml",
      ".github/workflows/engine-enforce.yml",
      ".github/workflows/engine-materialize.yml",
      ".github/workflows/engine-preflight.yml",
      ".github/workflows/engine-reconcile.yml",
      ".github/workflows/engine-self-test.yml",
      ".github/workflows/engine-validate.yml",
      "task-assistant-dispatch.yml",
    ]);
  });

  it("parses every workflow under .github/workflows, with the reusable workflows each one calls", async () => {
    const names = (await readdir(join(ROOT, ".github", "workflows"))).filter((name) => name.endsWith(".yml"));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const tree = await loadTree(PROJECT, `.github/workflows/${name}`);
      expect(tree[0]?.template.jobs.length).toBeGreaterThan(0);
    }
  });
});
