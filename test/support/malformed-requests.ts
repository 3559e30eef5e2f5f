/**
 * A corpus of malformed HTTP requests, sent over raw TCP (node:net) so that broken request lines,
 * header bytes and bodies really reach the server, for any HTTP server we run.
 *
 * ```ts
 * const report = await sendMalformedRequests(server.url, {
 *   healthPath: "/health",                 // must answer 2xx/3xx before and after the corpus
 *   paths: ["/api/things", "/admin/seed"], // the server's own routes, to reach its body parsing
 *   headers: { authorization: "token t" }, // added to every request (not to the header cases)
 * });
 * expect(survivalProblems(report)).toEqual([]); // no 5xx, no unanswered request, still healthy
 * ```
 */
import { connect, type Socket } from "node:net";

/** What one request got: the response status, the connection closed unanswered, or no answer in time. */
export type Outcome = number | "closed" | "timeout";

export interface MalformedResult {
  name: string;
  outcome: Outcome;
}

export interface MalformedReport {
  results: MalformedResult[];
  /** The health check while several connections sit on half-sent requests (slowloris). */
  healthWhileStalled: Outcome;
  /** The health check after the whole corpus. */
  healthAfter: Outcome;
}

export interface MalformedOptions {
  /** A path that answers 2xx/3xx when the server is healthy (a GET, with `headers`). */
  healthPath: string;
  /** Paths of the server's own routes; every body and encoding case is sent to each. Default ["/"]. */
  paths?: string[];
  /** Headers added to the path cases and the health checks (e.g. authorization). */
  headers?: Record<string, string>;
  /** How long a request may stay unanswered before it counts as a hang; default 5,000 ms. */
  timeoutMs?: number;
}

interface Case {
  name: string;
  bytes: Buffer;
  /** Half-close after sending (a client that gives up part-way through its body). */
  end?: boolean;
}

const raw = (name: string, text: string | Buffer, end = false): Case => ({
  name,
  bytes: typeof text === "string" ? Buffer.from(text, "latin1") : text,
  end,
});

function request(
  method: string,
  target: string,
  host: string,
  headers: Record<string, string>,
  body?: string | Buffer,
) {
  const lines = [`${method} ${target} HTTP/1.1`, `host: ${host}`, "connection: close"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const payload = body === undefined ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body) : body;
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === "content-length")) {
    lines.push(`content-length: ${payload.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}

/** The request-line and header cases: the same for every server. */
function protocolCases(host: string): Case[] {
  const get = (target: string, extra = "") =>
    `GET ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n${extra}\r\n`;
  return [
    raw("GET /%", get("/%")),
    raw("GET /%E0%A4%A (truncated UTF-8 escape)", get("/%E0%A4%A")),
    raw("GET //", get("//")),
    raw("GET //evil.example/x", get("//evil.example/x")),
    raw("GET /..%2f..%2fetc%2fpasswd", get("/..%2f..%2f..%2fetc%2fpasswd")),
    raw("GET /../../etc/passwd", get("/../../etc/passwd")),
    raw("GET /%00", get("/%00")),
    raw("GET /%C0%AF (overlong UTF-8)", get("/%C0%AF")),
    raw("GET /?%=%zz&a", get("/?%=%zz&a")),
    raw("GET * (asterisk form)", get("*")),
    raw("GET http://[::1 (bad absolute form)", get("http://[::1")),
    raw("GET relative (no leading slash)", get("relative/path")),
    raw("overlong URL (64 KiB)", get(`/${"a".repeat(64 * 1024)}`)),
    raw("garbage request line", "\u0000\u0001GARBAGE\r\n\r\n"),
    raw("unknown HTTP version", `GET / HTTP/9.9\r\nhost: ${host}\r\n\r\n`),
    raw("no host header", "GET / HTTP/1.1\r\nconnection: close\r\n\r\n"),
    raw("control byte in a header value", get("/", "x-bad: a\u0001b\r\n")),
    raw("space in a header name", get("/", "bad header: x\r\n")),
    raw("header without a colon", get("/", "no-colon-here\r\n")),
    raw("huge header (100 KiB)", get("/", `x-huge: ${"h".repeat(100 * 1024)}\r\n`)),
    raw("2,000 headers", get("/", Array.from({ length: 2000 }, (_, i) => `x-h${i}: v\r\n`).join(""))),
    raw("latin-1 bytes in authorization", get("/", "authorization: token \u00ff\u00fe\r\n")),
    raw("authorization: Basic not-base64", get("/", "authorization: Basic !!!***\r\n")),
    raw("authorization: Bearer (empty)", get("/", "authorization: Bearer \r\n")),
    raw("if-none-match garbage", get("/", 'if-none-match: W/"\u00ff, *, ,,\r\n')),
    raw("content-length: abc", `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: abc\r\n\r\n{}`),
    raw("content-length: -1", `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: -1\r\n\r\n{}`),
    raw(
      "two different content-lengths",
      `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}x`,
    ),
    raw(
      "content-length and chunked",
      `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
    ),
    raw(
      "bad chunk size",
      `POST / HTTP/1.1\r\nhost: ${host}\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    ),
    raw(
      "unknown transfer-encoding",
      `POST / HTTP/1.1\r\nhost: ${host}\r\ntransfer-encoding: gzip, rot13\r\n\r\n`,
    ),
  ];
}

/** The encoding and body cases for one of the server's paths. */
function pathCases(path: string, host: string, headers: Record<string, string>): Case[] {
  const json = { ...headers, "content-type": "application/json" };
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  const at = (name: string) => `${name} ${path}`;
  return [
    raw(at("GET +%"), request("GET", `${path}%`, host, headers)),
    raw(at("GET +/%E0%A4%A"), request("GET", `${path}/%E0%A4%A`, host, headers)),
    raw(at("GET +%2e%2e%2f"), request("GET", `${path}/%2e%2e%2f%2e%2e%2f`, host, headers)),
    raw(at("GET ?bad query"), request("GET", `${path}?page=%zz&per_page=-1&state=%00`, host, headers)),
    raw(at("POST truncated JSON"), request("POST", path, host, json, '{"title": "x", ')),
    raw(at("POST not JSON"), request("POST", path, host, json, "not json at all")),
    raw(at("POST JSON null"), request("POST", path, host, json, "null")),
    raw(at("POST JSON array"), request("POST", path, host, json, "[1,2,3]")),
    raw(at("POST JSON string"), request("POST", path, host, json, '"text"')),
    raw(at("POST JSON number"), request("POST", path, host, json, "12345678901234567890")),
    raw(
      at("POST JSON wrong types"),
      request("POST", path, host, json, '{"title":{"a":1},"labels":"x","body":[1]}'),
    ),
    raw(at("POST JSON nested 100,000 deep"), request("POST", path, host, json, deep)),
    raw(at("POST invalid UTF-8"), request("POST", path, host, json, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))),
    raw(
      at("POST text/plain"),
      request("POST", path, host, { ...headers, "content-type": "text/plain" }, '{"title":"x"}'),
    ),
    raw(
      at("POST utf-16 charset"),
      request(
        "POST",
        path,
        host,
        { ...headers, "content-type": "application/json; charset=utf-16" },
        '{"a":1}',
      ),
    ),
    raw(
      at("POST form-encoded"),
      request(
        "POST",
        path,
        host,
        { ...headers, "content-type": "application/x-www-form-urlencoded" },
        "a=1&b",
      ),
    ),
    raw(at("POST empty body"), request("POST", path, host, json, "")),
    raw(
      at("POST announces 10 GiB"),
      request("POST", path, host, { ...json, "content-length": String(10 * 1024 ** 3) }, "{}"),
    ),
    raw(
      at("POST body cut short"),
      request("POST", path, host, { ...json, "content-length": "1000" }, '{"title":'),
      true,
    ),
    raw(at("PATCH not JSON"), request("PATCH", path, host, json, "{{{")),
    raw(at("PUT not JSON"), request("PUT", path, host, json, "]")),
    raw(at("DELETE with body"), request("DELETE", path, host, json, "{")),
    raw(at("BREW (unknown method)"), request("BREW", path, host, headers)),
  ];
}

/** Sends one request on a fresh connection and reads the status line of the answer. */
function send(port: number, host: string, item: Case, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let received = "";
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle("timeout"), timeoutMs);
    socket.on("error", () => settle(statusOf(received) ?? "closed"));
    socket.on("close", () => settle(statusOf(received) ?? "closed"));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const status = statusOf(received);
      if (status !== undefined) settle(status);
    });
    socket.on("connect", () => {
      socket.write(item.bytes, () => {
        if (item.end) socket.end();
      });
    });
  });
}

function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Sends the corpus to the server at `baseUrl` (one connection per request, at most `timeoutMs`
 * each), holds a few connections on half-sent requests while checking health, and checks health
 * again at the end. Never throws for what the server does; `survivalProblems` judges the report.
 */
export async function sendMalformedRequests(
  baseUrl: string,
  options: MalformedOptions,
): Promise<MalformedReport> {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port);
  const hostHeader = url.host;
  const headers = options.headers ?? {};
  const timeoutMs = options.timeoutMs ?? 5000;
  const health = raw("health", request("GET", options.healthPath, hostHeader, headers));
  const cases = [
    ...protocolCases(hostHeader),
    ...(options.paths ?? ["/"]).flatMap((path) => pathCases(path, hostHeader, headers)),
  ];
  const results: MalformedResult[] = [];
  for (const item of cases)
    results.push({ name: item.name, outcome: await send(port, host, item, timeoutMs) });

  // Slowloris: connections that send part of a request and then nothing.
  const stalled: Socket[] = [];
  for (let index = 0; index < 8; index += 1) {
    const socket = connect({ port, host });
    socket.on("error", () => {});
    socket.write(`GET ${options.healthPath} HTTP/1.1\r\nhost: ${hostHeader}\r\nx-slow: `);
    stalled.push(socket);
  }
  const healthWhileStalled = await send(port, host, health, timeoutMs);
  for (const socket of stalled) socket.destroy();
  const healthAfter = await send(port, host, health, timeoutMs);
  return { results, healthWhileStalled, healthAfter };
}

/** Everything wrong in a report: 5xx answers, requests left unanswered, failed health checks. */
export function survivalProblems(report: MalformedReport): string[] {
  const problems = report.results
    .filter(({ outcome }) => outcome === "timeout" || (typeof outcome === "number" && outcome >= 500))
    .map(({ name, outcome }) => `${name}: ${String(outcome)}`);
  const healthy = (outcome: Outcome) => typeof outcome === "number" && outcome >= 200 && outcome < 400;
  if (!healthy(report.healthWhileStalled))
    problems.push(`health while stalled: ${String(report.healthWhileStalled)}`);
  if (!healthy(report.healthAfter)) problems.push(`health after the corpus: ${String(report.healthAfter)}`);
  return problems;
}
