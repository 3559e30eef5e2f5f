import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the runner under plain node (dist/, as the demo runs it)", () => {
  it("loads GitHub's workflow parser despite its JSON imports without an import attribute", async () => {
    const loader = pathToFileURL(join(ROOT, "dist", "actions-runner", "load-workflow.js")).href;
    const files = pathToFileURL(join(ROOT, "dist", "actions-runner", "directory-workflow-files.js")).href;
    const script = `
      const { loadWorkflow } = await import(${JSON.stringify(loader)});
      const { directoryWorkflowFiles } = await import(${JSON.stringify(files)});
      const source = directoryWorkflowFiles({ "o/r": ${JSON.stringify(ROOT)} });
      const workflow = await loadWorkflow(source, await source.read("o/r", ".github/workflows/ci.yml", "main"));
      console.log(workflow.template.jobs.map((job) => job.id.value).join(","));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
    });
    expect(stdout.trim()).toMatch(/^[a-z-]+(,[a-z-]+)*$/);
  });
});
