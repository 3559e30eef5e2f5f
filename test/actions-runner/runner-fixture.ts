import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { directoryWorkflowFiles } from "../../src/actions-runner/directory-workflow-files.js";
import type { RunWorkflowOptions } from "../../src/actions-runner/run-types.js";

/** A repository on disk holding the given workflow files, and run options for it. */
export interface RunnerFixture {
  dir: string;
  options(overrides?: Partial<RunWorkflowOptions>): RunWorkflowOptions;
  cleanup(): Promise<void>;
}

export async function aRunnerFixture(
  files: Record<string, string>,
  repository = "acme/app",
): Promise<RunnerFixture> {
  const dir = await mkdtemp(join(tmpdir(), "actions-runner-"));
  const repoDir = join(dir, "repo");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repoDir, path)), { recursive: true });
    await writeFile(join(repoDir, path), content);
  }
  return {
    dir,
    options: (overrides = {}) => ({
      files: directoryWorkflowFiles({ [repository]: repoDir }, "a".repeat(40)),
      repository: { fullName: repository, id: 101, ownerId: 11 },
      workflowPath: ".github/workflows/main.yml",
      event: { name: "push", payload: {} },
      ref: "refs/heads/main",
      sha: "a".repeat(40),
      actor: { login: "octo", id: 7 },
      github: {
        gitUrl: "http://127.0.0.1:1",
        apiUrl: "http://127.0.0.1:1",
        serverUrl: "http://127.0.0.1:1",
        token: "ghs_test",
      },
      runId: 42,
      workRoot: join(dir, "work"),
      killGraceMs: 200,
      ...overrides,
    }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
