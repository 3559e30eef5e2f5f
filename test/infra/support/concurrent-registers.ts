import { spawn } from "node:child_process";
import { readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHANGELOG_PATH, REGISTRY_PATH, type RegistryV2 } from "../../../src/registry/registry-types.js";
import { anInfraRepo, gitIn } from "./infra-cli.js";

export const BIN = fileURLToPath(new URL("../../../dist/cli/bin.js", import.meta.url));
export const LOCK_FILE = "infra/.infra-txn.lock";

/** A lock planted before the processes start: none, one left by a dead process, or an empty one. */
export type PlantedLock = "none" | "stale-legacy" | "stale-signed" | "empty";

export interface ProcessOutcome {
  repo: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An infra checkout on a feature branch, ready for registry changes. */
export async function aBranchCheckout(makeDir: () => Promise<string>): Promise<string> {
  const root = await anInfraRepo(makeDir);
  await gitIn(root, "checkout", "--quiet", "-b", "concurrent-registers");
  return root;
}

/** The pid of a process that has exited: a lock naming it is stale. */
export async function aDeadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise((resolve) => child.on("exit", resolve));
  if (pid === undefined) throw new Error("could not start a process");
  return pid;
}

/** Writes the lock a crashed command would have left behind. */
export async function plantLock(root: string, kind: PlantedLock): Promise<void> {
  const file = join(root, LOCK_FILE);
  if (kind === "none") return;
  if (kind === "empty") {
    await writeFile(file, "");
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(file, longAgo, longAgo);
    return;
  }
  const pid = await aDeadPid();
  await writeFile(
    file,
    kind === "stale-legacy"
      ? `${pid}\n`
      : `${JSON.stringify({ host: hostname(), pid, token: "0123456789abcdef0123456789abcdef" })}\n`,
  );
}

/**
 * Starts `repos.length` `infra register` processes at once in `root` (each registering
 * acme/<repo>); `killAfterMs[i]`, when set, SIGKILLs process i that many ms after its start.
 */
export async function registerConcurrently(
  root: string,
  repos: readonly string[],
  killAfterMs: readonly (number | undefined)[] = [],
): Promise<ProcessOutcome[]> {
  return Promise.all(
    repos.map(
      (repo, index) =>
        new Promise<ProcessOutcome>((resolve) => {
          const child = spawn(
            process.execPath,
            [
              BIN,
              "infra",
              "register",
              "--owner",
              "acme",
              "--repo",
              repo,
              "--context",
              "sandbox",
              "--telemetry-repo",
              "telemetry",
              "--reason",
              `concurrent ${repo}`,
            ],
            { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
          );
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
          child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
          const delay = killAfterMs[index];
          const timer = delay === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), delay);
          child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ repo, code, signal, stdout, stderr });
          });
        }),
    ),
  );
}

/** The repos registered under acme, the repos of the changelog's lines, and leftover store files. */
export async function storeContents(root: string) {
  const registry = JSON.parse(await readFile(join(root, REGISTRY_PATH), "utf8")) as RegistryV2;
  const changelog = (await readFile(join(root, CHANGELOG_PATH), "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { action: string; repo: string });
  const names = await readdir(join(root, "infra"));
  return {
    registered: Object.keys(registry.orgs.acme?.repos ?? {}).sort(),
    changelogRepos: changelog.map((line) => line.repo).sort(),
    lockFiles: names.filter((name) => name.startsWith(".infra-txn")),
  };
}
