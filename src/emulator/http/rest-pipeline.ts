import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, credentialOf, type Principal } from "../auth/principal.js";
import type { Emulator, Reply, RequestContext, RouteDef } from "../routes/route-types.js";
import { faultError, type Faults } from "./faults.js";
import { HttpError } from "./http-error.js";
import { contentCreationKeyOf, primaryLimitOf } from "./rate-limiter.js";
import type { Router } from "./router.js";
import type { Stats } from "./stats.js";

/** One REST exchange as the contract validator and tests observe it. */
export interface ObservedExchange {
  method: string;
  /** The OpenAPI path template that answered, or "(unmatched)". */
  route: string;
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface RestPipeline {
  emu: Emulator;
  router: Router<RouteDef>;
  faults: Faults;
  stats: Stats;
  observe?: (exchange: ObservedExchange) => void;
  /** Resolves once every change made so far is on disk; a write is answered only after it. */
  durable: () => Promise<void>;
}

const MAX_BODY_BYTES = 100 * 1024 * 1024;
const DOCS = "https://docs.github.com/rest";

/**
 * The request body; requests that announce none (a plain GET) are not read through a stream at all.
 * A body over the cap is refused (413) as soon as it is announced or reached, and one the client
 * stops sending part-way (400) settles the promise rather than leaving it pending.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  if (Number(req.headers["content-length"]) > maxBytes) {
    req.resume();
    return Promise.reject(new HttpError(413, `Request body too large (at most ${maxBytes} bytes)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HttpError(413, `Request body too large (at most ${maxBytes} bytes)`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", () => reject(new HttpError(400, "Problems reading the request body")));
    req.on("close", () => {
      if (!req.complete) reject(new HttpError(400, "The request body ended early"));
    });
  });
}

const EMPTY = Buffer.alloc(0);

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "Problems parsing JSON");
  }
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: {
        message: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
        documentation_url: error.documentationUrl ?? DOCS,
        status: String(error.status),
      },
      headers: error.headers,
    };
  }
  return {
    status: 500,
    body: {
      message: `Server Error: ${(error as Error)?.message ?? String(error)}`,
      documentation_url: DOCS,
      status: "500",
    },
  };
}

/** Drops the caches a write may have made stale (the repository's, or all) and moves the ETags on. */
function invalidate(emu: Emulator, params: Record<string, string>): void {
  emu.state.changed(params.owner && params.repo ? emu.state.repo(params.owner, params.repo) : undefined);
}

/**
 * A GET's ETag, as GitHub makes it: a weak hash of the representation (the body and the media type it
 * was asked for). It changes exactly when the answer changes, so a write elsewhere, or the same
 * content read with another token, leaves it as it was and `If-None-Match` still answers 304.
 */
function etagOf(req: IncomingMessage, payload: Buffer | undefined): string {
  const hash = createHash("sha1").update(`${req.headers.accept ?? ""}\n`);
  if (payload !== undefined) hash.update(payload);
  return `W/"${hash.digest("hex")}"`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const value = candidate.trim();
    return value === "*" || value === etag || value.replace(/^W\//, "") === bare;
  });
}

/**
 * Serves one REST request: route → authenticate → primary limit → faults → body → secondary limit →
 * handler → conditional GET → response, then stats and the observer. Every write drops the
 * affected repository's caches and moves the ETag revision, whatever the handler did.
 */
export async function handleRest(
  pipeline: RestPipeline,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const { emu, router, faults, stats } = pipeline;
  const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
  const match = router.match(method, url.pathname);
  const route = match?.value;
  const template = match?.template ?? "(unmatched)";
  const now = emu.clock.now().getTime();
  let principal: Principal = { kind: "anonymous", rateKey: `anonymous:${req.socket.remoteAddress ?? ""}` };
  let reply: Reply;
  let charged = false;
  let withinPrimaryLimit = false;
  let rateHeaders: Record<string, string> = {};
  let handled = false;
  try {
    principal = authenticate(
      emu.state,
      credentialOf(req.headers.authorization),
      now,
      req.socket.remoteAddress ?? "",
    );
    const limit = primaryLimitOf(emu.state.limits, principal);
    // Every request counts against the primary limit, including ones the local GitHub does not
    // serve (GitHub charges every request it answers); only free routes such as /rate_limit don't.
    if (!route?.free) {
      emu.rateLimiter.checkPrimary(principal.rateKey, limit, now);
      withinPrimaryLimit = true;
    }
    const raw = await readBody(req);
    if (!match || !route) throw new HttpError(404, "Not Found");
    const fault = faults.pick(method, template);
    if (fault?.latency_ms) await new Promise((resolve) => setTimeout(resolve, fault.latency_ms));
    const injected = fault && faultError(fault);
    if (injected) throw injected;
    const body = method === "GET" ? undefined : parseJson(raw);
    if (route.contentCreating && principal.kind !== "admin") {
      emu.rateLimiter.chargeContentCreation(contentCreationKeyOf(principal), now);
    }
    const ctx: RequestContext = {
      emu,
      principal,
      method,
      route: template,
      params: match.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      url,
      now,
    };
    handled = true;
    // A write starts from fresh renders: caches filled by earlier reads must not leak into its answer.
    if (method !== "GET") invalidate(emu, match.params);
    reply = await route.handler(ctx);
  } catch (error) {
    reply = errorReply(error);
  }
  if (handled && method !== "GET") {
    invalidate(emu, match?.params ?? {});
    try {
      await pipeline.durable();
    } catch (error) {
      reply = errorReply(
        new HttpError(503, `The change could not be stored: ${(error as Error).message}. Try again.`),
      );
    }
  }

  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": randomUUID().toUpperCase(),
    "x-github-api-version-selected": "2022-11-28",
    "access-control-allow-origin": "*",
    "access-control-expose-headers":
      "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset",
    date: new Date(now).toUTCString(),
  };
  let payload = payloadOf(reply);
  if (reply.status === 200 && method === "GET" && !route?.free) {
    const etag = etagOf(req, payload);
    headers.etag = etag;
    headers["cache-control"] = "private, max-age=60, s-maxage=60";
    headers.vary = "Accept, Authorization, Cookie, X-GitHub-OTP";
    if (etagMatches(req.headers["if-none-match"], etag)) reply = { status: 304 };
  }
  // Conditional requests answered 304 and /rate_limit are free against the primary limit.
  if (withinPrimaryLimit && reply.status !== 304) {
    emu.rateLimiter.consumePrimary(principal.rateKey, now);
    charged = true;
  }
  if (match && !(reply.status === 401 && principal.kind === "anonymous")) {
    rateHeaders = {
      ...emu.rateLimiter.headers(principal.rateKey, primaryLimitOf(emu.state.limits, principal), now),
    };
  }
  Object.assign(headers, rateHeaders, reply.headers);

  if (reply.raw) {
    headers["content-type"] = reply.raw.contentType;
    headers["x-github-media-type"] = reply.raw.mediaType;
  }
  if (reply.status === 204 || reply.status === 304) payload = undefined;
  if (payload === undefined) delete headers["content-type"];
  else headers["content-length"] = String(payload.length);
  res.writeHead(reply.status, headers);
  res.end(req.method === "HEAD" ? undefined : payload);

  stats.record(method, template, reply.status, { contentCreating: route?.contentCreating ?? false, charged });
  if (!match) stats.recordUnsupported(method, url.pathname);
  if (pipeline.observe) {
    let observed: unknown = reply.body;
    if (reply.json !== undefined) observed = JSON.parse(reply.json.toString());
    if (reply.raw) observed = Buffer.from(reply.raw.data).toString();
    if (reply.status === 204 || reply.status === 304) observed = undefined;
    pipeline.observe({
      method,
      route: template,
      path: url.pathname + url.search,
      status: reply.status,
      headers,
      body: observed,
    });
  }
}

/** The bytes a reply sends (before a 204 or 304 drops them). */
function payloadOf(reply: Reply): Buffer | undefined {
  if (reply.raw) return Buffer.from(reply.raw.data);
  if (reply.json !== undefined) return typeof reply.json === "string" ? Buffer.from(reply.json) : reply.json;
  if (reply.body !== undefined) return Buffer.from(JSON.stringify(reply.body));
  return undefined;
}
