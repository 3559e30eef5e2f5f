import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { APP_REPOSITORY } from "../../src/runtime/app-repository.js";
import { INFRA_REPOSITORY, type BrokerGitHub } from "./broker-world.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** How a CLI process ended. */
export interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment `broker serve` runs with against the local GitHub of `world`. */
export function brokerProcessEnv(
  world: BrokerGitHub,
  home: string,
  keyFile: string,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    TA_APP_ID: String(world.app.id),
    TA_APP_PRIVATE_KEY_FILE: keyFile,
    TA_BROKER_ISSUER: world.github.oidcIssuer,
    TA_APP_REPO: APP_REPOSITORY,
    TA_INFRA_REPO: INFRA_REPOSITORY,
    GITHUB_API_URL: world.github.url,
    ...extra,
  };
}

/** A child's output so far, and how it ended. */
export function collectOutput(child: ChildProcessWithoutNullStreams) {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return { ended, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the built CLI (`npm run build`) with these arguments. */
export function spawnCli(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [join(ROOT, "dist/cli/bin.js"), ...args], { cwd, env });
}

/**
 * Starts `broker serve --port 0 --json ...args` in a process of its own; `started` answers its
 * start line (its URL), or how it ended when it ended before listening.
 */
export function spawnBrokerServe(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawnCli(["broker", "serve", "--port", "0", "--json", ...args], cwd, env);
  const output = collectOutput(child);
  const listening = new Promise<{ url: string; start: Record<string, unknown> }>((resolve) => {
    const look = () => {
      if (!output.stdout().includes("\n")) return;
      child.stdout.off("data", look);
      const start = JSON.parse(output.stdout().split("\n")[0]) as Record<string, unknown>;
      resolve({ url: start.url as string, start });
    };
    child.stdout.on("data", look);
  });
  return { child, output, started: Promise.race([listening, output.ended]) };
}
