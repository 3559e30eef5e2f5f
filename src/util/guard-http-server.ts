import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";

/** A request the server cannot make sense of: answered 400 with `message`. */
export class BadRequestError extends Error {
  readonly status = 400;
}

/**
 * The request target as a URL on `base` (`http://127.0.0.1:PORT`), or a BadRequestError. The target
 * is taken as a path even when it starts with `//` (which `new URL(target, base)` would read as a
 * host), an absolute-form target must name http(s), and the path must be valid percent-encoding.
 *
 * @example parseRequestTarget("//a/b?x=1", "http://127.0.0.1:8080").pathname // "//a/b"
 */
export function parseRequestTarget(target: string | undefined, base: string): URL {
  const raw = target ?? "/";
  let url: URL;
  try {
    if (raw.startsWith("/")) url = new URL(`${base}${raw}`);
    else if (/^https?:\/\//i.test(raw)) url = new URL(raw);
    else throw new Error("not a path");
  } catch {
    throw new BadRequestError("Bad request: the request target is not a path (e.g. /repos/o/r)");
  }
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw new BadRequestError("Bad request: malformed percent-encoding in the path");
  }
  return url;
}

export interface GuardOptions {
  /** The body of an error answer; default `{ message }` as JSON. */
  errorBody?: (status: number, message: string) => { contentType: string; body: string };
  /** Told about unexpected errors (answered 500), e.g. to log them; never about bad requests. */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

const jsonError = (status: number, message: string) => ({
  contentType: "application/json; charset=utf-8",
  body: `${JSON.stringify({ message, status: String(status) })}\n`,
});

/**
 * Wraps a request handler so that nothing it throws, synchronously or as a rejection, escapes: a
 * BadRequestError (or anything carrying a 4xx `status`) is answered with that status, anything else
 * with 500, and a response already under way is ended. The server keeps serving either way.
 */
export function guardRequestHandler(
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  options: GuardOptions = {},
): RequestListener {
  const render = options.errorBody ?? jsonError;
  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse) => {
    const status = (error as { status?: unknown })?.status;
    const clientError = typeof status === "number" && status >= 400 && status < 500;
    if (!clientError) options.onError?.(error, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const code = clientError ? status : 500;
    const message = clientError ? (error as Error).message : "Internal server error";
    const { contentType, body } = render(code, message);
    res.writeHead(code, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  return (req, res) => {
    try {
      const pending = handle(req, res);
      if (pending) pending.catch((error: unknown) => fail(error, req, res));
    } catch (error) {
      fail(error, req, res);
    }
  };
}

export interface ServerLimits {
  /** Time allowed to receive the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request (default 60 s). */
  requestTimeoutMs?: number;
  /** Idle time allowed on a keep-alive connection (default 5 s). */
  keepAliveTimeoutMs?: number;
}

/**
 * Bounds how long a client may hold a connection without completing a request (a slow or stalled
 * client is answered 408 and disconnected), and answers requests the HTTP parser refuses (bad
 * request line, header bytes, Content-Length; oversized headers) with 400/431 instead of dropping them.
 */
export function limitServer(server: Server, limits: ServerLimits = {}): Server {
  server.headersTimeout = limits.headersTimeoutMs ?? 10_000;
  server.requestTimeout = limits.requestTimeoutMs ?? 60_000;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs ?? 5_000;
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (error.code === "ECONNRESET" && socket.destroyed)) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const reason =
      status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
    const body = `${JSON.stringify({ message: `${reason}`, status: String(status) })}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  return server;
}
