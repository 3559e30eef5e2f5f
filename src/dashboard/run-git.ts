import { spawn } from "node:child_process";
import { ExternalError } from "../errors.js";

/** How git authenticates and who it commits as; nothing here ever reaches argv or `.git/config`. */
export interface GitEnvOptions {
  /** A GitHub token; sent as HTTP basic auth `x-access-token:<token>` through `http.extraHeader`. */
  token?: string;
  /** Committer identity for commits made in the checkout. */
  identity?: { name: string; email: string };
}

/**
 * The child environment for git. The token travels in `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/
 * `GIT_CONFIG_VALUE_n` (git ≥ 2.31), so it is neither on the command line (visible in `ps`) nor
 * written into the checkout's `.git/config`. Inherited `GIT_*` variables are dropped so a caller's
 * `GIT_DIR` or hooks cannot redirect us.
 */
export function gitEnv(base: NodeJS.ProcessEnv, options: GitEnvOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!key.startsWith("GIT_")) env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_CONFIG_NOSYSTEM = "1";
  env.LC_ALL = "C";
  const config: [string, string][] = [
    ["core.quotePath", "false"],
    ["advice.detachedHead", "false"],
    ["gc.auto", "0"],
  ];
  if (options.token !== undefined) {
    const basic = Buffer.from(`x-access-token:${options.token}`).toString("base64");
    config.push(["http.extraHeader", `Authorization: Basic ${basic}`]);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  if (options.identity) {
    env.GIT_AUTHOR_NAME = options.identity.name;
    env.GIT_AUTHOR_EMAIL = options.identity.email;
    env.GIT_COMMITTER_NAME = options.identity.name;
    env.GIT_COMMITTER_EMAIL = options.identity.email;
  }
  return env;
}

export interface GitRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  allowExit?: number[];
}

export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one git command and collects its output. A failure becomes an `ExternalError` that carries
 * git's own message, with any token scrubbed from it.
 *
 * @example await runGit(["rev-parse", "HEAD"], { cwd, env })
 */
export function runGit(args: string[], options: GitRunOptions): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) =>
      reject(new ExternalError(`could not run git ${args[0]}: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => {
      const result = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      if (result.code === 0 || options.allowExit?.includes(result.code)) resolve(result);
      else reject(gitFailure(args, result));
    });
  });
}

/**
 * Runs git and yields each NUL-terminated item of its output as it arrives. Reading is pulled by the
 * consumer, so a slow consumer pauses git (pipe backpressure) and listing hundreds of thousands of
 * paths never holds them all in memory.
 */
export async function* gitItems(args: string[], options: GitRunOptions): AsyncGenerator<string> {
  const child = spawn("git", args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const err: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const closed = new Promise<number>((resolve, reject) => {
    child.on("error", (error) =>
      reject(new ExternalError(`could not run git ${args[0]}: ${error.message}`, { cause: error })),
    );
    child.on("close", (code) => resolve(code ?? 1));
  });
  closed.catch(() => {});
  let pending = "";
  try {
    child.stdout.setEncoding("utf8");
    for await (const chunk of child.stdout as AsyncIterable<string>) {
      pending += chunk;
      let start = 0;
      for (let end = pending.indexOf("\0"); end !== -1; end = pending.indexOf("\0", start)) {
        yield pending.slice(start, end);
        start = end + 1;
      }
      pending = pending.slice(start);
    }
    if (pending !== "") yield pending;
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await closed;
  if (code !== 0) {
    throw gitFailure(args, { code, stdout: "", stderr: Buffer.concat(err).toString("utf8") });
  }
}

function gitFailure(args: string[], result: GitOutput): ExternalError {
  const message = scrub(result.stderr.trim().split("\n").slice(-3).join(" | ")) || `exit code ${result.code}`;
  return new ExternalError(`git ${args[0]} failed: ${message}`, {
    hint: "check that the telemetry repository exists and the token may read (and, to publish, write) it",
  });
}

/** Removes anything that looks like credentials from git's messages before they are shown. */
function scrub(text: string): string {
  return text
    .replace(/(https?:\/\/)[^/@\s]+@/g, "$1***@")
    .replace(/(Basic|Bearer|token) [A-Za-z0-9+/=_.-]+/g, "$1 ***");
}
