import { expect } from "vitest";
import type { SeedInput } from "../../src/emulator/start-local-github.js";
import type { EngineContext, EngineResult } from "../../src/runtime/engine.js";
import { fixedClock } from "../../src/util/clock.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

export const OWNER = "acme";
export const REPO = "widgets";
export const TARGET = `${OWNER}/${REPO}`;
export const CONFIG_PATH = ".github/task-assistant.yml";

/** One request as the client sent it: method, path (with query) and JSON body. */
export interface SentRequest {
  method: string;
  path: string;
  body?: unknown;
}

/**
 * A local GitHub holding `acme/widgets` and a client that records every request it sends, so tests
 * assert the exact requests an engine made (method, path, body) as well as the server's counts.
 */
export interface EngineWorld {
  server: TestGitHub;
  sent: SentRequest[];
  context(overrides?: Partial<EngineContext>): EngineContext;
  /** Forgets the recorded requests and resets the server's stats. */
  resetRequests(): Promise<void>;
  /** Requests the server counted, as "METHOD /route status" → count, minus the admin API. */
  serverCounts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export async function startEngineWorld(seed: SeedInput): Promise<EngineWorld> {
  const server = await startTestGitHub(seed);
  const sent: SentRequest[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const raw = init?.body;
    sent.push({
      method: (init?.method ?? "GET").toUpperCase(),
      // Decoded, so `contents/.github%2Ftask-assistant.yml` reads as the path it names.
      path: `${decodeURIComponent(url.pathname)}${url.search}`,
      ...(typeof raw === "string" && raw !== "" ? { body: JSON.parse(raw) as unknown } : {}),
    });
    return fetch(input, init);
  };
  const github = server.client(server.adminToken, { fetch: recording });
  return {
    server,
    sent,
    context: (overrides = {}) => ({
      target_repo: TARGET,
      telemetry_repo: `${OWNER}/telemetry`,
      correlation_id: "9187-1",
      engine_ref: "v1.0.0",
      github,
      clock: fixedClock("2026-11-21T22:37:56.123Z"),
      dry_run: false,
      ...overrides,
    }),
    resetRequests: async () => {
      sent.length = 0;
      await server.resetStats();
    },
    serverCounts: async () => {
      const stats = await server.stats();
      return Object.fromEntries(stats.requests.map((r) => [`${r.method} ${r.route} ${r.status}`, r.count]));
    },
    stop: () => server.stop(),
  };
}

/** The requests that change something on GitHub. */
export function writes(sent: readonly SentRequest[]): SentRequest[] {
  return sent.filter((request) => request.method !== "GET");
}

/**
 * DESIGN §5.5: a result is `{ tool, version, ok, summary, checks, actions }`, `ok` false exactly
 * when a check failed, no top-level `event`, and no object anywhere with both `owner` and `repo`.
 */
export function expectResultContract(result: EngineResult): void {
  expect(result).toMatchObject({ tool: expect.any(String), version: "1.0", summary: expect.any(String) });
  expect(result.ok).toBe(!result.checks.some((check) => check.outcome === "FAIL"));
  expect(Object.keys(result)).not.toContain("event");
  for (const check of result.checks) expect(["PASS", "WARN", "FAIL"]).toContain(check.outcome);
  const offenders: string[] = [];
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}/${index}`));
    else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if ("owner" in record && "repo" in record) offenders.push(path || "/");
      for (const [key, child] of Object.entries(record)) visit(child, `${path}/${key}`);
    }
  };
  visit(JSON.parse(JSON.stringify(result)), "");
  expect(offenders).toEqual([]);
}

/** The issue as GitHub now has it: label names and milestone title. */
export async function issueState(world: EngineWorld, number: number) {
  const { data } = await world.server
    .client()
    .rest.issues.get({ owner: OWNER, repo: REPO, issue_number: number });
  return {
    labels: data.labels.map((label) => (typeof label === "string" ? label : label.name)).sort(),
    milestone: data.milestone?.title ?? null,
  };
}
