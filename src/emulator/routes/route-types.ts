import type { IncomingHttpHeaders } from "node:http";
import type { Principal } from "../auth/principal.js";
import type { GitStore } from "../git/git-store.js";
import type { KeyedMutex } from "../git/keyed-mutex.js";
import type { RateLimiter } from "../http/rate-limiter.js";
import type { RenderContext } from "../render/render-context.js";
import type { SettableClock } from "../settable-clock.js";

/** The services of one running local GitHub, shared by every handler. */
export interface Emulator extends RenderContext {
  clock: SettableClock;
  git: GitStore;
  /** Per-repository locks (key: repository id) for everything that moves a ref. */
  locks: KeyedMutex;
  rateLimiter: RateLimiter;
}

export interface RequestContext {
  emu: Emulator;
  principal: Principal;
  method: string;
  /** The OpenAPI path template that matched. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when none was sent). */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The request URL as the client addressed it (for `Link` headers). */
  url: URL;
  /** The time the request arrived, in epoch milliseconds. */
  now: number;
}

export interface Reply {
  status: number;
  /** A JSON body, serialised by the pipeline. */
  body?: unknown;
  /** A JSON body already serialised (hot paths build it from cached fragments). */
  json?: string | Buffer;
  /** A non-JSON body (raw file contents). */
  raw?: { data: Buffer | string; contentType: string; mediaType: string };
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Exactly as spelled in `@octokit/openapi`'s `api.github.com.json`. */
  template: string;
  handler: Handler;
  /** Creates content (issues, comments, commits, ...): counted against the secondary limit. */
  contentCreating?: boolean;
  /** Not charged to the primary rate limit (`GET /rate_limit`). */
  free?: boolean;
}
