import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BROKER_REGISTRY_PATH, BROKER_TOKEN_PATH } from "../github/broker-token-provider.js";
import { systemClock, type Clock } from "../util/clock.js";
import { guardRequestHandler, limitServer, parseRequestTarget } from "../util/guard-http-server.js";
import {
  exchangeToken,
  resolveRegistry,
  type BrokerSettings,
  type ExchangeResult,
} from "./broker-service.js";
import { GitHubApp } from "./github-app.js";
import { createIssuerKeys } from "./issuer-keys.js";
import { OperatorReads } from "./operator-reads.js";
import { refuse, type RefusalCode } from "./refusal.js";
import { ReplayGuard } from "./replay-guard.js";
import { SharedReplayStore } from "./shared-replay-store.js";

export interface BrokerOptions extends BrokerSettings {
  readonly apiUrl: string;
  readonly appId: string;
  readonly privateKey: string;
  readonly port?: number;
  readonly host?: string;
  readonly clock?: Clock;
  readonly fetch?: typeof globalThis.fetch;
  /** One JSON log line per exchange; default stdout. */
  readonly log?: (line: string) => void;
  readonly maxBodyBytes?: number;
  /** A client must send its whole request within this long (408 otherwise). */
  readonly requestTimeoutMs?: number;
  readonly jwksCooldownMs?: number;
  /** How long the registry and the release tags are cached (defaults: 60 s, 5 min). */
  readonly registryTtlMs?: number;
  readonly releasesTtlMs?: number;
  /** After a commit or tag is not among the releases, no refetch of the tags for this long (30 s). */
  readonly releasesCooldownMs?: number;
  /**
   * A directory shared by every instance (see `SharedReplayStore`; `prepareReplayDir` checks it), so
   * that a token replayed to another instance is refused too; default: this instance's memory.
   */
  readonly replayDir?: string;
}

export interface RunningBroker {
  readonly url: string;
  /** Requests the broker made to GitHub (REST) and to the issuer so far. */
  counters(): { github: number; issuer: number };
  /** Stops accepting, lets exchanges in flight finish (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
}

/** Request targets answered without parsing them as a URL (the hot path). */
const KNOWN_PATHS = new Set([BROKER_TOKEN_PATH, BROKER_REGISTRY_PATH, "/healthz"]);

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

/**
 * Starts the token broker: `POST /v1/installation-token`, `POST /v1/registry-resolution`,
 * `GET /healthz`. Stateless apart from caches. Hostile requests get 4xx: bodies over the cap 413,
 * non-JSON 400, slow clients 408, oversized headers 431.
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const keys = createIssuerKeys({
    issuer: options.issuer,
    fetch: fetchImpl,
    ...(options.jwksCooldownMs === undefined ? {} : { cooldownMs: options.jwksCooldownMs }),
  });
  const app = new GitHubApp({
    apiUrl: options.apiUrl,
    appId: options.appId,
    privateKey: options.privateKey,
    clock,
    fetch: fetchImpl,
  });
  const reads = new OperatorReads({
    app,
    clock,
    infraRepository: options.infraRepository,
    appRepository: options.appRepository,
    ...(options.registryTtlMs === undefined ? {} : { registryTtlMs: options.registryTtlMs }),
    ...(options.releasesTtlMs === undefined ? {} : { releasesTtlMs: options.releasesTtlMs }),
    ...(options.releasesCooldownMs === undefined ? {} : { releasesCooldownMs: options.releasesCooldownMs }),
  });
  const parts = {
    settings: options,
    keys,
    app,
    reads,
    replay:
      options.replayDir === undefined
        ? new ReplayGuard(options.skewSeconds)
        : new SharedReplayStore(options.replayDir, options.skewSeconds),
    clock,
  };
  const requestTimeout = options.requestTimeoutMs ?? 10_000;

  const server = limitServer(
    createServer(
      // Timeouts are checked every second, not every 30 s, so a slow client is cut off on time.
      { maxHeaderSize: 16 * 1024, connectionsCheckingInterval: Math.min(1_000, requestTimeout) },
      guardRequestHandler(
        async (req, res) => {
          const started = performance.now();
          // A target that is not a path (`//`, `*`, bad percent-encoding) is a BadRequestError: 400.
          const path = KNOWN_PATHS.has(req.url ?? "")
            ? req.url!
            : parseRequestTarget(req.url, "http://broker").pathname;
          let result: ExchangeResult;
          try {
            result = await handle(req, path);
          } catch (error) {
            // Nothing the client sent gets here (every refusal is an answer); log why, never a token.
            result = {
              status: 500,
              body: { code: "internal_error", message: "the broker failed; see its log" },
              log: { event: "exchange", outcome: "error", status: 500, reason: (error as Error).message },
            };
          }
          reply(res, result, started);
        },
        {
          errorBody: (status, message) => ({
            contentType: "application/json; charset=utf-8",
            body: `${JSON.stringify({ code: status === 400 ? "request_invalid" : "internal_error", message })}\n`,
          }),
        },
      ),
    ),
    {
      headersTimeoutMs: Math.min(requestTimeout, 10_000),
      requestTimeoutMs: requestTimeout,
      keepAliveTimeoutMs: 5_000,
    },
  );

  /** Answers in one write (headers with a content-length, then the body), then logs the exchange. */
  function reply(res: ServerResponse, result: ExchangeResult, started: number): void {
    if (!res.headersSent && !res.destroyed) {
      const payload = `${JSON.stringify(result.body)}\n`;
      res.writeHead(result.status, {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        "content-length": Buffer.byteLength(payload),
      });
      res.end(payload);
    }
    if (result.log.event !== undefined)
      log(
        JSON.stringify({
          time: clock.now().toISOString(),
          ...result.log,
          duration_ms: Math.round((performance.now() - started) * 100) / 100,
        }),
      );
  }

  async function handle(req: IncomingMessage, path: string): Promise<ExchangeResult> {
    const plain = (code: RefusalCode, message: string): ExchangeResult => {
      const refusal = refuse(code, message);
      return { status: refusal.status, body: { code, message }, log: {} };
    };
    if (path === "/healthz") {
      req.resume();
      return req.method === "GET" || req.method === "HEAD"
        ? { status: 200, body: { status: "ok" }, log: {} }
        : plain("method_not_allowed", "use GET /healthz");
    }
    const endpoint =
      path === BROKER_TOKEN_PATH
        ? exchangeToken
        : path === BROKER_REGISTRY_PATH
          ? resolveRegistry
          : undefined;
    if (endpoint === undefined) {
      req.resume();
      return plain(
        "not_found",
        `no endpoint ${path}; the broker serves ${BROKER_TOKEN_PATH}, ${BROKER_REGISTRY_PATH}, /healthz`,
      );
    }
    if (req.method !== "POST") {
      req.resume();
      return plain("method_not_allowed", `use POST ${path}`);
    }
    const raw = await readCapped(req, maxBody);
    if (raw === undefined) {
      const refusal = refuse("body_too_large", `the request body is over ${maxBody} bytes`);
      return {
        status: refusal.status,
        body: { code: refusal.code, message: refusal.message },
        log: { event: "exchange", endpoint: path, outcome: "refused", status: 413, code: refusal.code },
      };
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? undefined : JSON.parse(raw.toString("utf8"));
    } catch {
      const refusal = refuse("body_not_json", "the request body is not JSON");
      return {
        status: refusal.status,
        body: { code: refusal.code, message: refusal.message },
        log: { event: "exchange", endpoint: path, outcome: "refused", status: 400, code: refusal.code },
      };
    }
    const authorization = req.headers.authorization ?? "";
    const bearer = /^Bearer\s+/i.test(authorization)
      ? authorization.replace(/^Bearer\s+/i, "").trim()
      : undefined;
    return endpoint(parts, bearer, body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    counters: () => ({ github: app.requests(), issuer: keys.fetches() }),
    stop(graceMs = 5_000) {
      stopping ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}

/** The body, or undefined once it exceeds `max` bytes (the rest is not read; the connection closes). */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > max) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
