import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ValidationError } from "../../errors.js";
import { credentialOf } from "../auth/principal.js";
import type { OidcIssuer } from "../oidc/oidc-issuer.js";
import type { Emulator } from "../routes/route-types.js";
import { applySeed } from "../seed/apply-seed.js";
import type { Persistence } from "../state/persistence.js";
import { parseFaultSpec, type Faults } from "./faults.js";
import { HttpError } from "./http-error.js";
import { parseMintBody } from "./oidc-api.js";
import type { RateLimiter } from "./rate-limiter.js";
import { readBody } from "./rest-pipeline.js";
import type { Stats } from "./stats.js";

export interface AdminApi {
  emu: Emulator;
  faults: Faults;
  stats: Stats;
  rateLimiter: RateLimiter;
  persistence: Persistence;
  oidc: OidcIssuer;
}

type AdminReply = { status: number; body?: unknown };

const problem = (status: number, message: string, extra: Record<string, unknown> = {}): AdminReply => ({
  status,
  body: { message, ...extra },
});

function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  return JSON.parse(raw.toString("utf8"));
}

/**
 * The admin API under `/_emulator/` (admin token only): seed, stats, faults, clock, limits, tokens
 * and snapshot. Not part of GitHub's API: it is how tests and operators drive the local GitHub.
 */
export async function handleAdmin(api: AdminApi, req: IncomingMessage, res: ServerResponse, url: URL) {
  let reply: AdminReply;
  try {
    if (credentialOf(req.headers.authorization) !== api.emu.state.adminToken) {
      reply = problem(401, "Bad credentials: the admin API takes the local GitHub's admin token");
    } else {
      reply = await route(api, req, url, await readBody(req));
      // A change is acknowledged only once it is durable, as on the REST API.
      if (req.method !== "GET") await api.persistence.commit();
    }
  } catch (error) {
    if (error instanceof HttpError) {
      reply = problem(error.status, error.message);
    } else if (error instanceof ValidationError) {
      reply = problem(422, error.message, { errors: error.problems });
    } else if (error instanceof SyntaxError) {
      reply = problem(400, `Problems parsing JSON: ${error.message}`);
    } else {
      reply = problem(500, (error as Error).message);
    }
  }
  const payload = reply.body === undefined ? undefined : `${JSON.stringify(reply.body)}\n`;
  res.writeHead(
    reply.status,
    payload === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
  );
  res.end(payload);
}

async function route(api: AdminApi, req: IncomingMessage, url: URL, raw: Buffer): Promise<AdminReply> {
  const { emu } = api;
  const key = `${req.method ?? "GET"} ${url.pathname.replace(/\/+$/, "")}`;
  switch (key) {
    case "POST /_emulator/seed": {
      const contentType = String(req.headers["content-type"] ?? "");
      const text = raw.toString("utf8");
      const input = contentType.includes("json") ? (JSON.parse(text) as object) : text;
      const result = await applySeed(emu, input);
      await api.persistence.compact();
      return { status: 200, body: result };
    }
    case "GET /_emulator/stats":
      return { status: 200, body: api.stats.toJSON() };
    case "POST /_emulator/stats/reset":
      api.stats.reset();
      return { status: 200, body: api.stats.toJSON() };
    case "GET /_emulator/faults":
      return { status: 200, body: api.faults.list() };
    case "POST /_emulator/faults": {
      const body = parseJsonBody(raw);
      const specs = Array.isArray(body) ? body : [body];
      const parsed = specs.map(parseFaultSpec);
      const invalid = parsed.findIndex((spec) => typeof spec === "string");
      if (invalid !== -1) return problem(422, `fault ${invalid}: ${parsed[invalid] as string}`);
      for (const spec of parsed) if (typeof spec !== "string") api.faults.add(spec);
      return { status: 201, body: api.faults.list() };
    }
    case "DELETE /_emulator/faults":
      api.faults.clear();
      return { status: 204 };
    case "GET /_emulator/clock":
      return { status: 200, body: { now: emu.clock.now().toISOString() } };
    case "POST /_emulator/clock":
      return setClock(api, parseJsonBody(raw));
    case "GET /_emulator/limits":
      return { status: 200, body: limitsBody(api) };
    case "POST /_emulator/limits":
      return setLimits(api, parseJsonBody(raw));
    case "POST /_emulator/tokens":
      return mintToken(api, parseJsonBody(raw));
    case "POST /_emulator/snapshot":
      await api.persistence.compact();
      return { status: 204 };
    case "POST /_emulator/actions/id-token": {
      const request = parseMintBody(parseJsonBody(raw));
      if (typeof request === "string") return problem(422, request);
      return { status: 201, body: { value: await api.oidc.mint(request) } };
    }
    case "POST /_emulator/actions/id-token-request": {
      const request = parseMintBody(parseJsonBody(raw));
      if (typeof request === "string") return problem(422, request);
      if (request.audience !== undefined || request.ttlSeconds !== undefined)
        return problem(422, 'the job names the audience when it asks; give only "claims"');
      return { status: 201, body: api.oidc.createRequest(request.claims) };
    }
    case "POST /_emulator/oidc/rotate":
      return { status: 201, body: await api.oidc.rotate() };
    default:
      return problem(404, `no admin endpoint ${key}`, {
        endpoints: [
          "POST /_emulator/seed",
          "GET /_emulator/stats",
          "POST /_emulator/stats/reset",
          "GET|POST|DELETE /_emulator/faults",
          "GET|POST /_emulator/clock",
          "GET|POST /_emulator/limits",
          "POST /_emulator/tokens",
          "POST /_emulator/snapshot",
          "POST /_emulator/actions/id-token",
          "POST /_emulator/actions/id-token-request",
          "POST /_emulator/oidc/rotate",
        ],
      });
  }
}

function setClock(api: AdminApi, body: unknown): AdminReply {
  const {
    set,
    advance_ms: advanceMs,
    advance_seconds: advanceSeconds,
  } = (body ?? {}) as Record<string, unknown>;
  if (set !== undefined) {
    const at = typeof set === "string" ? Date.parse(set) : Number.NaN;
    if (Number.isNaN(at)) return problem(422, "set must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z");
    api.emu.clock.set(new Date(at));
  }
  for (const [value, unit] of [
    [advanceMs, 1],
    [advanceSeconds, 1000],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return problem(422, "advance_ms and advance_seconds must be numbers");
    }
    api.emu.clock.advance(value * unit);
  }
  if (set === undefined && advanceMs === undefined && advanceSeconds === undefined) {
    return problem(422, 'give "set" (ISO time), "advance_ms" or "advance_seconds"');
  }
  api.emu.state.changed();
  return { status: 200, body: { now: api.emu.clock.now().toISOString() } };
}

function limitsBody(api: AdminApi) {
  const limits = api.emu.state.limits;
  return {
    primary_per_hour: limits.primaryPerHour,
    unauthenticated_per_hour: limits.unauthenticatedPerHour,
    content_creation_per_minute: limits.contentCreationPerMinute,
    content_creation_per_hour: limits.contentCreationPerHour,
  };
}

function setLimits(api: AdminApi, body: unknown): AdminReply {
  const input = (body ?? {}) as Record<string, unknown>;
  const fields = {
    primary_per_hour: "primaryPerHour",
    unauthenticated_per_hour: "unauthenticatedPerHour",
    content_creation_per_minute: "contentCreationPerMinute",
    content_creation_per_hour: "contentCreationPerHour",
  } as const;
  for (const [name, value] of Object.entries(input)) {
    if (name === "reset_windows") continue;
    if (!(name in fields)) return problem(422, `unknown limit "${name}"`, { known: Object.keys(fields) });
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      return problem(422, `${name} must be an integer ≥ 0`);
    }
  }
  for (const [name, field] of Object.entries(fields)) {
    if (typeof input[name] === "number") api.emu.state.limits[field] = input[name];
  }
  if (input.reset_windows === true) api.rateLimiter.reset();
  api.emu.state.changed();
  return { status: 200, body: limitsBody(api) };
}

/** Mints a personal token for a user, or an installation token without the JWT exchange. */
function mintToken(api: AdminApi, body: unknown): AdminReply {
  const { state, clock } = api.emu;
  const input = (body ?? {}) as Record<string, unknown>;
  const now = clock.now().getTime();
  if (typeof input.user === "string") {
    const user = state.account(input.user);
    if (!user || user.type !== "User") return problem(422, `unknown user "${input.user}"`);
    const token = `ghp_${randomBytes(18).toString("hex")}`;
    state.addToken({ token, kind: "user", userId: user.id, createdAt: now });
    state.changed();
    return { status: 201, body: { token, user: user.login } };
  }
  if (typeof input.installation_id === "number") {
    const installation = state.installation(input.installation_id);
    if (!installation) return problem(422, `unknown installation ${input.installation_id}`);
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    const expiresAt = now + 3_600_000;
    state.addToken({
      token,
      kind: "installation",
      installationId: installation.id,
      expiresAt,
      createdAt: now,
    });
    state.changed();
    return { status: 201, body: { token, expires_at: new Date(expiresAt).toISOString() } };
  }
  return problem(422, 'give "user" (a login) or "installation_id" (a number)');
}
