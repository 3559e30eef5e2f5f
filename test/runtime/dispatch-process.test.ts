import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** `task-assistant ...` as a process, the way the dispatcher workflow's plan job runs it. */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the plan job's command, as a process", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dispatch-process-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("plans a pushed config change and hands the jobs their outputs (exit 0)", async () => {
    const event = join(dir, "push.json");
    const output = join(dir, "output");
    await writeFile(
      event,
      JSON.stringify({
        after: "0123456789abcdef0123456789abcdef01234567",
        commits: [{ added: [], modified: [".github/task-assistant.yml"], removed: [] }],
        repository: { full_name: "acme/widgets" },
      }),
    );
    await writeFile(output, "");
    const result = await cli(
      [
        "dispatch",
        "plan",
        "--event",
        "push",
        "--payload",
        event,
        "--repo",
        "acme/widgets",
        "--engine-ref",
        "v1.4.0",
      ],
      { GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "77", GITHUB_RUN_ATTEMPT: "1", GITHUB_OUTPUT: output },
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const outputs = await readFile(output, "utf8");
    expect(outputs).toContain("mode=validate\n");
    expect(outputs).toContain("correlation_id=77-1\n");
    expect(outputs).toContain("config_ref=0123456789abcdef0123456789abcdef01234567\n");
  });

  it("exits 2 with the field named when the event is refused", async () => {
    const event = join(dir, "fork.json");
    await writeFile(event, JSON.stringify({ forkee: {} }));
    const result = await cli(
      ["dispatch", "plan", "--event", "fork", "--payload", event, "--repo", "acme/widgets"],
      {},
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: refused (event): event "fork" does not start a Task Assistant run\n' +
        "hint: supported events: push and pull_request (config changes), schedule, workflow_dispatch, issues\n",
    );
  });
});
