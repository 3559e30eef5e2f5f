import { execFile } from "node:child_process";
import { ExternalError, UsageError } from "../errors.js";
import { git, runGit } from "./git.js";

/** The branch every infra change is proposed against and merged into. */
export const MAIN_BRANCH = "main";

export interface ChangedFile {
  path: string;
  /** Two-letter porcelain status, e.g. " M", "A ", "??". */
  status: string;
}

/** The top-level directory of the git work tree containing `cwd`. */
export async function repoRoot(cwd: string): Promise<string> {
  const result = await runGit(cwd, ["rev-parse", "--show-toplevel"]);
  if (result.code !== 0) {
    throw new UsageError(`${cwd} is not inside a git repository`, {
      hint: "run this inside a checkout of the infra repository (or create one with `task-assistant infra init`)",
    });
  }
  return result.stdout.trim();
}

/** The checked-out branch, or undefined on a detached HEAD. */
export async function currentBranch(root: string): Promise<string | undefined> {
  const result = await runGit(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** Every path with staged, unstaged or untracked changes (`git status`, untracked files listed one by one). */
export async function changedFiles(root: string): Promise<ChangedFile[]> {
  const output = await git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all"]);
  const entries = output.split("\0");
  const files: ChangedFile[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    files.push({ path: entry.slice(3), status });
    // A rename or copy is followed by its source path.
    if (status[0] === "R" || status[0] === "C") index++;
  }
  return files;
}

export async function branchExists(root: string, name: string): Promise<boolean> {
  return (await runGit(root, ["show-ref", "--verify", "--quiet", `refs/heads/${name}`])).code === 0;
}

/** The content of `path` at `revision` (`:path` for the staged blob), or undefined when it is not there. */
export async function readAtRevision(
  root: string,
  revision: string,
  path: string,
): Promise<string | undefined> {
  const result = await runGit(root, ["cat-file", "blob", `${revision}:${path}`]);
  return result.code === 0 ? result.stdout : undefined;
}

/**
 * The bytes of `path` at `revision` (`""` for the staged blob), undecoded, or undefined when it is
 * not there. Infra files are decoded from these by `decodeInfraFile`, like files on disk.
 */
export function readBytesAtRevision(
  root: string,
  revision: string,
  path: string,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["cat-file", "blob", `${revision}:${path}`],
      {
        cwd: root,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      },
      (error, stdout) => {
        if (error === null) resolve(stdout);
        else if (typeof error.code === "number") resolve(undefined);
        else
          reject(
            new ExternalError(`could not run git: ${error.message}`, {
              cause: error,
              hint: "install git and make sure it is on PATH",
            }),
          );
      },
    );
  });
}

/** The commit `rev` names, or undefined when it names none. */
export async function resolveCommit(root: string, rev: string): Promise<string | undefined> {
  const result = await runGit(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}
