import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { PUBLIC_GITHUB_API } from "./octokit.js";
import { isProcessAlive } from "../util/process-alive.js";
import { redactUrl } from "../util/redact-url.js";

/**
 * Where commands find GitHub. `GITHUB_API_URL` wins (GitHub Actions sets it). Without it, commands
 * use the local GitHub that `task-assistant github start` (or the demo) is serving: each running
 * server records its address in `$TASK_ASSISTANT_HOME/local-githubs/<pid>.json` (default
 * `~/.task-assistant`) and removes it when it stops. One running server is used, and named on
 * standard error; several are refused until `GITHUB_API_URL` picks one, so a command never talks to
 * the wrong one silently.
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

/** `$TASK_ASSISTANT_HOME`, default `~/.task-assistant`. */
export function taskAssistantHome(env: Env): string {
  return env.TASK_ASSISTANT_HOME?.trim() || join(homedir(), ".task-assistant");
}

/** The directory where running local GitHubs record themselves, one file per server process. */
export function localEndpointDir(env: Env): string {
  return join(taskAssistantHome(env), "local-githubs");
}

function recordFile(env: Env, pid: number): string {
  return join(localEndpointDir(env), `${pid}.json`);
}

/** Records a running local GitHub's address so other commands find it (written atomically). */
export async function writeLocalEndpoint(env: Env, record: LocalEndpointRecord): Promise<string> {
  const file = recordFile(env, record.pid);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return file;
}

/** Removes the record of the server process `pid` (other servers' records are kept). */
export async function clearLocalEndpoint(env: Env, pid: number): Promise<void> {
  await rm(recordFile(env, pid), { force: true });
}

/** Every local GitHub recorded under `$TASK_ASSISTANT_HOME` whose process is still running. */
export async function listLocalEndpoints(env: Env): Promise<LocalEndpointRecord[]> {
  let names: string[];
  try {
    names = await readdir(localEndpointDir(env));
  } catch {
    return [];
  }
  const records: LocalEndpointRecord[] = [];
  for (const name of names.filter((entry) => /^\d+\.json$/.test(entry)).sort()) {
    try {
      const record = JSON.parse(
        await readFile(join(localEndpointDir(env), name), "utf8"),
      ) as LocalEndpointRecord;
      if (typeof record.url === "string" && isProcessAlive(record.pid)) records.push(record);
    } catch {
      // A record being replaced or a foreign file: not a server to use.
    }
  }
  return records;
}

/**
 * The one running local GitHub, or undefined when none runs; several are refused (`UsageError`)
 * unless `GITHUB_API_URL` names one of them.
 */
export async function readLocalEndpoint(env: Env): Promise<LocalEndpointRecord | undefined> {
  const records = await listLocalEndpoints(env);
  const chosen = env.GITHUB_API_URL?.trim().replace(/\/+$/, "");
  if (chosen) return records.find((record) => record.url === chosen);
  if (records.length <= 1) return records[0];
  throw new UsageError(
    `${records.length} local GitHubs are running under ${taskAssistantHome(env)}:\n` +
      records.map((record) => `  ${record.url}  (pid ${record.pid}, state ${record.stateDir})`).join("\n"),
    {
      hint:
        "choose one with GITHUB_API_URL=<its URL>, or give each server its own TASK_ASSISTANT_HOME " +
        "and run commands with the same one",
    },
  );
}

/** The line commands print on standard error when they use a local GitHub found by themselves. */
export function describeLocalEndpoint(env: Env, record: LocalEndpointRecord): string {
  return `using the local GitHub at ${record.url} (state ${record.stateDir}; found in ${localEndpointDir(env)})\n`;
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

/**
 * Resolves the API endpoint for a command, or explains how to configure one. `GITHUB_API_URL` wins;
 * when it is a running local GitHub's URL, that server's admin token comes with it. Without it, the
 * one running local GitHub is used and `report` is told which.
 */
export async function resolveApiEndpoint(env: Env, report?: (line: string) => void): Promise<ApiEndpoint> {
  const fromEnv = env.GITHUB_API_URL?.trim();
  if (fromEnv) {
    checkApiUrl(fromEnv);
    const local = await readLocalEndpoint(env);
    if (local)
      return {
        apiUrl: local.url,
        gitUrl: local.gitUrl,
        source: "local-github",
        adminToken: local.adminToken,
      };
    const server = env.GITHUB_SERVER_URL?.trim();
    const gitUrl = fromEnv === PUBLIC_GITHUB_API ? "https://github.com" : (server ?? fromEnv);
    return { apiUrl: fromEnv.replace(/\/+$/, ""), gitUrl: gitUrl.replace(/\/+$/, ""), source: "env" };
  }
  const local = await readLocalEndpoint(env);
  if (local) {
    report?.(describeLocalEndpoint(env, local));
    return { apiUrl: local.url, gitUrl: local.gitUrl, source: "local-github", adminToken: local.adminToken };
  }
  throw new UsageError("no GitHub API is configured", {
    hint:
      "set GITHUB_API_URL (https://api.github.com for GitHub), or start the local GitHub with " +
      `\`task-assistant github start\` in another terminal (with the same TASK_ASSISTANT_HOME, now ${taskAssistantHome(env)})`,
  });
}
