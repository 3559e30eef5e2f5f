import { execFile } from "node:child_process";
import { ExternalError } from "../errors.js";

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs system git with an argument vector (never a shell, so names and reasons are never
 * interpreted), in `cwd`. Resolves with the exit code instead of throwing; see `git` for the
 * throwing form.
 */
export function runGit(
  cwd: string,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...args],
      {
        cwd,
        env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: "0" },
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(
            new ExternalError(`could not run git: ${error.message}`, {
              cause: error,
              hint: "install git and make sure it is on PATH",
            }),
          );
          return;
        }
        resolve({ stdout, stderr, code: error ? Number(error.code) : 0 });
      },
    );
  });
}

/** Runs git and returns its standard output, or throws `ExternalError` with git's message. */
export async function git(
  cwd: string,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<string> {
  const result = await runGit(cwd, args, options);
  if (result.code !== 0) {
    throw new ExternalError(`git ${args[0]} failed: ${result.stderr.trim() || `exit ${result.code}`}`, {
      hint: "see git's message above",
    });
  }
  return result.stdout;
}
