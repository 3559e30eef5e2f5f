import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { main } from "../../../src/cli/main.js";
import { reportError } from "../../../src/cli/report-error.js";
import { captureIO } from "../../../src/cli/test-io.js";
import { CHANGELOG_PATH, REGISTRY_PATH, type RegistryV2 } from "../../../src/registry/registry-types.js";

const exec = promisify(execFile);

/** A git identity for commits made by tests, never the machine's global one. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "Infra Operator",
  GIT_AUTHOR_EMAIL: "operator@example.invalid",
  GIT_COMMITTER_NAME: "Infra Operator",
  GIT_COMMITTER_EMAIL: "operator@example.invalid",
};

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `task-assistant ARGS` in-process in `cwd`, the way the binary does (errors mapped to exit codes). */
export async function runCli(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const cap = captureIO({ cwd, env });
  let code: number;
  try {
    code = await main(args, cap.io);
  } catch (error) {
    code = reportError(error, cap.io);
  }
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

/** Runs git in `cwd` with the test identity; returns trimmed stdout. */
export async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await exec("git", args, { cwd, env: { ...process.env, ...GIT_IDENTITY } });
  return stdout.trim();
}

/** The registry and changelog as they are on disk. */
export async function infraFiles(root: string) {
  const registryText = await readFile(join(root, REGISTRY_PATH), "utf8");
  const changelogText = await readFile(join(root, CHANGELOG_PATH), "utf8");
  return {
    registryText,
    changelogText,
    registry: JSON.parse(registryText) as RegistryV2,
    lines: changelogText
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, string>),
  };
}

/**
 * A fresh infra repository made by `infra init` in a temporary directory, committed on main
 * (the bootstrap commit an operator makes once).
 */
export async function anInfraRepo(makeDir: () => Promise<string>): Promise<string> {
  const root = await makeDir();
  const init = await runCli(root, ["infra", "init"]);
  if (init.code !== 0) throw new Error(`infra init failed: ${init.stderr}`);
  await gitIn(root, "add", "-A");
  await gitIn(root, "commit", "--quiet", "-m", "Start the infra registry");
  return root;
}
