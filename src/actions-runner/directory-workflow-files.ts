import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { WorkflowFile, WorkflowFiles } from "./workflow-files.js";

/**
 * Workflow files read from working directories, one per repository: `{ "acme/app": "/src/app" }`.
 * Every ref of a repository reads the same directory, so this answers "is the wiring right?" for
 * the files as they are on disk, not for a history.
 */
export function directoryWorkflowFiles(
  directories: Readonly<Record<string, string>>,
  sha = "0".repeat(40),
): WorkflowFiles {
  return {
    async read(repository, path, ref): Promise<WorkflowFile> {
      const directory = directories[repository];
      if (directory === undefined) {
        throw new Error(`no directory stands in for repository ${repository}`);
      }
      const content = await readFile(join(directory, path), "utf8");
      return { repository, path, ref, sha, content };
    },
  };
}
