import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startLocalGitHub, type FaultSpec, type LocalGitHub } from "../../src/emulator/start-local-github.js";
import { createGitHub, type GitHub } from "../../src/github/octokit.js";
import type { EngineResult } from "../../src/runtime/engine.js";
import { buildEnvelope, type EnvelopeInput, type TelemetryRecord } from "../../src/telemetry/envelope.js";

const run = promisify(execFile);

export const CONTENTS_PUT = "PUT /repos/{owner}/{repo}/contents/{path}";

/**
 * The world telemetry tests run in: a local GitHub with org `acme` (monitored `acme/widgets`,
 * telemetry `acme/telemetry`) and org `globex`, a token for a member of both, and the admin
 * API's request statistics and fault injection.
 */
export interface TelemetryWorld {
  server: LocalGitHub;
  token: string;
  github: GitHub;
  /** Requests the server answered since the last `resetStats`, as `{ "PUT /route": { "201": n } }`. */
  stats(): Promise<{ total: number; by_route: Record<string, Record<string, number>> }>;
  resetStats(): Promise<void>;
  addFaults(...faults: FaultSpec[]): Promise<void>;
  /** Changes the server's rate limits, e.g. `{ content_creation_per_minute: 100000 }`. */
  setLimits(limits: Record<string, number | boolean>): Promise<void>;
  clearFaults(): Promise<void>;
  /** Clones `acme/telemetry` with system git into a temporary directory (removed by `stop`). */
  clone(): Promise<string>;
  stop(): Promise<void>;
}

export async function startTelemetryWorld(options: { random?: () => number } = {}): Promise<TelemetryWorld> {
  const server = await startLocalGitHub({
    ...(options.random ? { random: options.random } : {}),
    seed: {
      users: [{ login: "octo" }],
      orgs: [
        { login: "acme", members: [{ login: "octo", role: "admin" }] },
        { login: "globex", members: [{ login: "octo", role: "admin" }] },
      ],
      repos: [{ name: "acme/telemetry" }, { name: "acme/widgets" }, { name: "globex/telemetry" }],
      tokens: [{ user: "octo" }],
    },
  });
  const token = server.seeded!.tokens[0].token;
  const temporary: string[] = [];
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/_emulator/${path}`, {
      method,
      headers: { authorization: `token ${server.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : await response.json();
  };
  return {
    server,
    token,
    github: createGitHub({ baseUrl: server.url, auth: token }),
    stats: async () => (await admin("GET", "stats")) as Awaited<ReturnType<TelemetryWorld["stats"]>>,
    resetStats: async () => void (await admin("POST", "stats/reset")),
    addFaults: async (...faults) => void (await admin("POST", "faults", faults)),
    clearFaults: async () => void (await admin("DELETE", "faults")),
    setLimits: async (limits) => void (await admin("POST", "limits", limits)),
    async clone() {
      const dir = await mkdtemp(join(tmpdir(), "telemetry-clone-"));
      temporary.push(dir);
      const url = new URL(`${server.gitUrl}/acme/telemetry.git`);
      url.username = "x-access-token";
      url.password = token;
      await run("git", ["clone", "--quiet", url.toString(), dir], { env: gitEnv() });
      return dir;
    },
    async stop() {
      await server.stop();
      await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** A child-process environment for git that needs no global identity or config. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: "Telemetry Test",
    GIT_AUTHOR_EMAIL: "telemetry-test@example.invalid",
    GIT_COMMITTER_NAME: "Telemetry Test",
    GIT_COMMITTER_EMAIL: "telemetry-test@example.invalid",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
  };
}

export const aResult = (overrides: Partial<EngineResult> = {}): EngineResult => ({
  tool: "validate",
  version: "1.4.0",
  ok: true,
  summary: "config valid",
  checks: [{ id: "schema", outcome: "PASS" }],
  actions: [],
  ...overrides,
});

export const aRecord = (overrides: Partial<EnvelopeInput> = {}): TelemetryRecord =>
  buildEnvelope({
    generated_at: new Date("2026-11-21T22:37:56.123Z"),
    correlation_id: "9187-1",
    engine_name: "validate",
    engine_ref: "v1.4.0",
    target_repo: "acme/widgets",
    source: { runner: "local", workflow: "engine-validate", job: "validate" },
    ok: true,
    details: aResult(),
    ...overrides,
  });

/** A clock that only moves when the injected sleep is called: waits are observed, never slept. */
export function virtualTime(start = Date.parse("2026-11-21T22:00:00.000Z")) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms: number): Promise<void> => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
