import { createGitHub, type GitHub, type GitHubClientOptions } from "../../src/github/octokit.js";
import {
  startLocalGitHub,
  type FaultSpec,
  type LocalGitHub,
  type LocalGitHubOptions,
  type ObservedExchange,
  type SeedInput,
} from "../../src/emulator/start-local-github.js";
import { watchContract } from "./openapi-contract.js";

export type { FaultSpec, ObservedExchange, SeedInput } from "../../src/emulator/start-local-github.js";

export interface TestGitHubOptions extends Omit<LocalGitHubOptions, "seed" | "host"> {
  /** Client defaults for `client()` (e.g. `retries`); retries are off unless a test turns them on. */
  clientDefaults?: Partial<GitHubClientOptions>;
}

/** The admin API's `GET /_emulator/stats` answer. */
export interface EmulatorStats {
  since: string;
  total: number;
  content_creating: number;
  rate_limit_units: number;
  not_modified: number;
  git: { upload_pack: number; receive_pack: number; upload_pack_bytes: number };
  by_route: Record<string, Record<string, number>>;
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}

export interface TestGitHub extends LocalGitHub {
  /** An Octokit (from `createGitHub`) for `token`; the admin token when none is given. */
  client(token?: string, options?: Partial<GitHubClientOptions>): GitHub;
  /** Calls the admin API (`/_emulator/...`) and returns the parsed answer; throws on a non-2xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  addFaults(...faults: FaultSpec[]): Promise<void>;
  clearFaults(): Promise<void>;
  /** Sets (ISO time) or advances (ms) the server clock. */
  setClock(change: { set?: string; advance_ms?: number }): Promise<string>;
  /** Every REST exchange the server answered, in order (for assertions on exact requests). */
  exchanges: ObservedExchange[];
  /** Responses unlike GitHub's REST description so far; `stop()` throws if there are any. */
  contractViolations: readonly string[];
}

/**
 * Starts a local GitHub for a test on 127.0.0.1, a random port and a temporary state directory
 * (removed by `stop()`, unless `stateDir` is given), seeded with `seed`. Call `stop()` in
 * `afterAll`/`afterEach`.
 *
 * @example const github = await startTestGitHub({ users: [{ login: "octo" }] });
 */
export async function startTestGitHub(
  seed?: SeedInput,
  options: TestGitHubOptions = {},
): Promise<TestGitHub> {
  const { clientDefaults, observe, ...serverOptions } = options;
  const exchanges: ObservedExchange[] = [];
  // Every observer sees every REST exchange; contract checks attach here too.
  const contract = watchContract();
  const observers: Array<(exchange: ObservedExchange) => void> = [
    (exchange) => exchanges.push(exchange),
    (exchange) => contract.observe(exchange),
  ];
  if (observe) observers.push(observe);
  const server = await startLocalGitHub({
    verifyDurability: true,
    ...serverOptions,
    host: "127.0.0.1",
    seed,
    observe: (exchange) => {
      for (const observer of observers) observer(exchange);
    },
  });

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `token ${server.adminToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };

  return {
    ...server,
    stop: async () => {
      await server.stop();
      contract.assertHonoured();
    },
    exchanges,
    contractViolations: contract.violations,
    client: (token = server.adminToken, clientOptions = {}) =>
      createGitHub({ baseUrl: server.url, auth: token, retries: 0, ...clientDefaults, ...clientOptions }),
    admin,
    stats: () => admin<EmulatorStats>("GET", "/_emulator/stats"),
    resetStats: async () => {
      await admin("POST", "/_emulator/stats/reset");
    },
    addFaults: async (...faults) => {
      await admin("POST", "/_emulator/faults", faults);
    },
    clearFaults: async () => {
      await admin("DELETE", "/_emulator/faults");
    },
    setClock: async (change) => (await admin<{ now: string }>("POST", "/_emulator/clock", change)).now,
  };
}
