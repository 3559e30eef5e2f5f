import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../util/clock.js";
import { guardRequestHandler, limitServer, parseRequestTarget } from "../util/guard-http-server.js";
import { adminAccount } from "./auth/principal.js";
import { handleGitHttp, GIT_PATH } from "./git/git-http.js";
import { GitStore } from "./git/git-store.js";
import { KeyedMutex } from "./git/keyed-mutex.js";
import { handleAdmin } from "./http/admin-api.js";
import { Faults } from "./http/faults.js";
import { RateLimiter } from "./http/rate-limiter.js";
import { handleOidcPublic, isPublicOidcPath } from "./http/oidc-api.js";
import { handleRest, type ObservedExchange } from "./http/rest-pipeline.js";
import { Stats } from "./http/stats.js";
import { OidcIssuer } from "./oidc/oidc-issuer.js";
import { createRouter } from "./routes/all-routes.js";
import type { Emulator } from "./routes/route-types.js";
import { applySeed } from "./seed/apply-seed.js";
import type { SeedResult } from "./seed/seed-types.js";
import type { SeedInput } from "./seed/validate-seed.js";
import { createSettableClock, type SettableClock } from "./settable-clock.js";
import { EmulatorState } from "./state/emulator-state.js";
import { loadState, Persistence } from "./state/persistence.js";
import { StateShadow } from "./state/state-shadow.js";
import type { Limits, StateSnapshot } from "./state/types.js";

export type { ObservedExchange } from "./http/rest-pipeline.js";
export type { SeedDocument, SeedResult } from "./seed/seed-types.js";
export type { SeedInput } from "./seed/validate-seed.js";
export type { FaultSpec } from "./http/faults.js";

export interface LocalGitHubOptions {
  /** TCP port; 0 or absent picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /**
   * Where state (`state.json` and `state.journal`) and the bare git repositories (`repos/`) live.
   * Every acknowledged write is on disk before its response, so a server restarted on the same
   * directory, even after `kill -9` or a power cut, has every write it acknowledged. Absent: a temporary directory removed by `stop()`.
   */
  stateDir?: string;
  /** Applied after start (after any persisted state is loaded): a document, or YAML/JSON text. */
  seed?: SeedInput;
  /** The file the seed text came from, named in the seed's problems (`file:line:col`). */
  seedFile?: string;
  /** Where time comes from; the admin API can still set or advance it. Default: the system clock. */
  clock?: Clock;
  /** The admin token; default: the persisted one, else a new random one. */
  adminToken?: string;
  /** Overrides of the rate limits (primary per token, content creation). */
  limits?: Partial<Limits>;
  /** Called for every REST response (not git HTTP, not `/_emulator`), e.g. by a contract validator. */
  observe?: (exchange: ObservedExchange) => void;
  /** Source of randomness for fault probabilities (default Math.random). */
  random?: () => number;
  /**
   * On `stop()`, first replay the state dir as a restart would and fail if it differs from the
   * running state (tests turn this on, so every scenario also checks that nothing escaped the journal).
   */
  verifyDurability?: boolean;
  /** Journal size (bytes) past which it is compacted into the snapshot; default 1 MiB or the snapshot's size. */
  compactBytes?: number;
  /**
   * fsync journal lines and snapshots before acknowledging a write (default: on for a given
   * `stateDir`, off for the temporary one, which nothing can restart on). Off, an acknowledged write
   * is still in the journal and survives `kill -9`, but not a power cut.
   */
  sync?: boolean;
}

export interface LocalGitHub {
  /** The REST base URL, e.g. `http://127.0.0.1:40123` (use as Octokit's `baseUrl`). */
  url: string;
  /** The git base URL: clone `${gitUrl}/<owner>/<repo>.git`. */
  gitUrl: string;
  /** Authorises the admin API and acts as a site administrator on the REST API. */
  adminToken: string;
  port: number;
  stateDir: string;
  /** What the `seed` option created (tokens, App keys, ids), when one was given. */
  seeded: SeedResult | undefined;
  /** The Actions OIDC issuer URL (`<url>/_emulator/oidc`); see the admin API for minting tokens. */
  oidcIssuer: string;
  /** The server's clock (set or advance it here or through `POST /_emulator/clock`). */
  clock: SettableClock;
  /** Applies another seed (same as `POST /_emulator/seed`). */
  seed: (seed: SeedInput) => Promise<SeedResult>;
  /** Stops serving, compacts the journal into the snapshot, and removes a temporary state dir. */
  stop: () => Promise<void>;
}

/**
 * Starts the local GitHub: GitHub's REST API (the part Task Assistant uses) with real state, real git
 * repositories served over smart HTTP on the same port, and the `/_emulator` admin API.
 *
 * @example const github = await startLocalGitHub({ seed: { users: [{ login: "octo" }] } });
 */
export async function startLocalGitHub(options: LocalGitHubOptions = {}): Promise<LocalGitHub> {
  const ephemeral = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "local-github-")));
  await mkdir(join(stateDir, "repos"), { recursive: true });
  const loaded = await loadState(stateDir);
  const state = new EmulatorState(loaded, options.adminToken);
  Object.assign(state.limits, options.limits);
  adminAccount(state);
  const clock = createSettableClock(options.clock);
  const stats = new Stats(() => clock.now());
  const faults = new Faults(options.random);
  const rateLimiter = new RateLimiter(() => state.limits);
  const persistence = new Persistence(stateDir, state, loaded, {
    compactBytes: options.compactBytes,
    sync: options.sync ?? !ephemeral,
  });
  const router = createRouter();
  const emu: Emulator = {
    state,
    baseUrl: "",
    clock,
    git: new GitStore(join(stateDir, "repos")),
    locks: new KeyedMutex(),
    rateLimiter,
  };
  const pipeline = {
    emu,
    router,
    faults,
    stats,
    observe: options.observe,
    durable: () => persistence.commit(),
  };
  const oidc = new OidcIssuer(state, clock, () => emu.baseUrl);
  const admin = { emu, faults, stats, rateLimiter, persistence, oidc };

  const handler = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = parseRequestTarget(req.url, emu.baseUrl);
    if (isPublicOidcPath(url.pathname)) return handleOidcPublic(oidc, req, res, url);
    if (url.pathname.startsWith("/_emulator/")) return handleAdmin(admin, req, res, url);
    if (GIT_PATH.test(url.pathname)) return handleGitHttp(emu, stats, faults, req, res, url);
    return handleRest(pipeline, req, res, url);
  };
  const server = limitServer(
    createServer(
      guardRequestHandler(handler, {
        errorBody: (status, message) => ({
          contentType: "application/json; charset=utf-8",
          body: JSON.stringify({
            message,
            documentation_url: "https://docs.github.com/rest",
            status: String(status),
          }),
        }),
      }),
    ),
    // A push of a large repository is one request: give it time, but not forever.
    // Idle connections stay open well past a client's keep-alive (undici: 4 s), so a client never
    // reuses a socket the server is closing at that moment (ECONNRESET on a busy machine).
    { headersTimeoutMs: 20_000, requestTimeoutMs: 300_000, keepAliveTimeoutMs: 65_000 },
  );
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  emu.baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    let problem: Error | undefined;
    if (options.verifyDurability) {
      await persistence.commit();
      const missing = new StateShadow((await loadState(stateDir)) as StateSnapshot).diff(state, "all");
      if (missing) {
        problem = new Error(
          `the state dir lacks changes the server made: ${JSON.stringify(missing).slice(0, 2000)}`,
        );
      }
    }
    await persistence.close();
    if (ephemeral) await rm(stateDir, { recursive: true, force: true });
    if (problem) throw problem;
  };

  let seeded: SeedResult | undefined;
  try {
    if (options.seed !== undefined) seeded = await applySeed(emu, options.seed, options.seedFile);
    // The first snapshot: it holds what was loaded and seeded, and empties the journal.
    await persistence.compact();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: emu.baseUrl,
    gitUrl: emu.baseUrl,
    adminToken: state.adminToken,
    port,
    stateDir,
    seeded,
    oidcIssuer: oidc.issuer(),
    clock,
    seed: async (seed) => {
      const result = await applySeed(emu, seed);
      await persistence.compact();
      return result;
    },
    stop,
  };
}
