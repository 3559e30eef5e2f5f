import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { PUBLIC_GITHUB_API } from "./octokit.js";
import { isProcessAlive } from "../util/process-alive.js";
import { redactUrl } from "../util/redact-url.js";

/**
 * Where commands find GitHub. `GITHUB_API_URL` wins (GitHub Actions sets it). Without it, commands
 * use the local GitHub that `task-assistant github start` is serving, which records its address in
 * `$TASK_ASSISTANT_HOME/local-github.json` (default `~/.task-assistant`). That is the embedded
 * default: the whole system runs offline with no configuration.
 */
export interface ApiEndpoint {
  apiUrl: string;
  /** Base URL for git over HTTPS (`<gitUrl>/<owner>/<repo>.git`). */
  gitUrl: string;
  source: "env" | "local-github";
  /** The local GitHub's admin token, when the endpoint is the local GitHub. */
  adminToken?: string;
}

export interface LocalEndpointRecord {
  url: string;
  gitUrl: string;
  adminToken: string;
  pid: number;
  stateDir: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function localEndpointFile(env: Env): string {
  return join(env.TASK_ASSISTANT_HOME ?? join(homedir(), ".task-assistant"), "local-github.json");
}

/** Records the running local GitHub's address so other commands find it (written atomically). */
export async function writeLocalEndpoint(env: Env, record: LocalEndpointRecord): Promise<string> {
  const file = localEndpointFile(env);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return file;
}

/** Removes the record if it still describes the process `pid` (a newer server's record is kept). */
export async function clearLocalEndpoint(env: Env, pid: number): Promise<void> {
  const current = await readLocalEndpoint(env);
  if (current?.pid === pid) await rm(localEndpointFile(env), { force: true });
}

export async function readLocalEndpoint(env: Env): Promise<LocalEndpointRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(localEndpointFile(env), "utf8")) as LocalEndpointRecord;
    return isProcessAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `GITHUB_API_URL` as given, when it is an absolute http(s) URL; otherwise a `UsageError` (exit 2)
 * naming the variable, so a typo is refused rather than reported as a failed request.
 */
export function checkApiUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new UsageError(`GITHUB_API_URL ${JSON.stringify(redactUrl(value))} is not an http(s) URL`, {
      hint: "set it to a GitHub REST API base URL, e.g. https://api.github.com or http://127.0.0.1:PORT, or unset it to use the local GitHub",
    });
  }
  return value;
}

/** Resolves the API endpoint for a command, or explains how to configure one. */
export async function resolveApiEndpoint(env: Env): Promise<ApiEndpoint> {
  const fromEnv = env.GITHUB_API_URL?.trim();
  if (fromEnv) {
    checkApiUrl(fromEnv);
    const server = env.GITHUB_SERVER_URL?.trim();
    const gitUrl = fromEnv === PUBLIC_GITHUB_API ? "https://github.com" : (server ?? fromEnv);
    return { apiUrl: fromEnv.replace(/\/+$/, ""), gitUrl: gitUrl.replace(/\/+$/, ""), source: "env" };
  }
  const local = await readLocalEndpoint(env);
  if (local)
    return { apiUrl: local.url, gitUrl: local.gitUrl, source: "local-github", adminToken: local.adminToken };
  throw new UsageError("no GitHub API is configured", {
    hint:
      "set GITHUB_API_URL (https://api.github.com for GitHub), or start the local GitHub with " +
      "`task-assistant github start` in another terminal",
  });
}
