import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";

/**
 * Checks HTTP responses against GitHub's own REST description (`@octokit/openapi`,
 * `generated/api.github.com.json`), so the local GitHub cannot drift from what Octokit and GitHub
 * promise. The description is OpenAPI 3.0; ajv speaks JSON Schema, so a pre-pass translates the
 * OpenAPI-only `nullable` keyword, and a few places where the description and GitHub's real
 * behaviour part ways are listed below, each with its reason.
 */

/** One response as the server sent it. `route` is the OpenAPI path template, e.g. `/repos/{owner}/{repo}`. */
export interface ObservedResponse {
  method: string;
  route: string;
  status: number;
  headers?: Readonly<Record<string, string | number | readonly string[] | undefined>>;
  /** Parsed JSON, or the raw text/bytes (JSON media types are parsed here). */
  body: unknown;
}

export type ContractVerdict = { ok: true } | { ok: false; errors: string[] };

/** Each component schema is registered with ajv under its own id, only when a response needs it. */
const SCHEMA_ID_BASE = "https://api.github.com/openapi/components/schemas/";
const SPEC_FILE = "@octokit/openapi/generated/api.github.com.json";
const MAX_ERRORS = 20;

type Method = "get" | "put" | "post" | "delete" | "patch" | "head" | "options";
interface ResponseObject {
  content?: Record<string, { schema?: SchemaObject }>;
  headers?: Record<string, { required?: boolean; schema?: SchemaObject; $ref?: string }>;
  $ref?: string;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}
interface Spec {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: {
    schemas: Record<string, SchemaObject>;
    responses: Record<string, ResponseObject>;
    headers: Record<string, { schema?: SchemaObject }>;
  };
}
interface Contract {
  spec: Spec;
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
  /** Component schemas already registered with ajv. */
  registered: Set<string>;
  templates: RouteTemplate[];
}

/**
 * Routes GitHub serves that its description leaves out, mapped to the documented operation whose
 * responses they share.
 */
const ROUTE_ALIASES: ReadonlyArray<{ method: string; route: string; as: string; reason: string }> = [
  {
    method: "get",
    route: "/repos/{owner}/{repo}/git/refs",
    as: "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    reason:
      "the legacy 'list references' endpoint (used by @octokit/fixtures' git-refs) answers the same array",
  },
  {
    method: "get",
    route: "/repos/{owner}/{repo}/git/refs/{ref}",
    as: "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    reason: "the legacy prefix listing of references answers the same array as matching-refs",
  },
];

/**
 * Statuses GitHub's platform answers on any operation, before or regardless of the operation's own
 * logic, which the description documents only on some operations. Each is still checked for shape.
 */
const PLATFORM_STATUSES: ReadonlyArray<{
  status: number;
  schema?: string;
  when?: (r: ObservedResponse) => string | undefined;
  reason: string;
}> = [
  {
    status: 304,
    when: (r) =>
      r.method.toLowerCase() === "get" || r.method.toLowerCase() === "head"
        ? undefined
        : "304 answers only conditional GET/HEAD requests",
    reason:
      "any conditional GET with a matching If-None-Match is answered 304 (GitHub's REST best practices)",
  },
  {
    status: 400,
    schema: "basic-error",
    reason: "a request body that is not JSON is answered 'Problems parsing JSON' on every route",
  },
  {
    status: 401,
    schema: "basic-error",
    reason: "an unknown or missing token is refused before any operation runs",
  },
  {
    status: 403,
    schema: "basic-error",
    reason:
      "rate limits and 'Resource not accessible by integration' are enforced by the platform on every route",
  },
  {
    status: 404,
    schema: "basic-error",
    reason: "GitHub hides missing and inaccessible resources behind 404 on every route",
  },
  {
    status: 429,
    schema: "basic-error",
    when: (r) =>
      header(r, "retry-after") !== undefined || header(r, "x-ratelimit-remaining") === "0"
        ? undefined
        : "a 429 must say when to retry (retry-after or x-ratelimit-remaining: 0)",
    reason: "secondary rate limits may be answered 429 on every route",
  },
  { status: 500, schema: "basic-error", reason: "platform failure, injected by fault tests" },
  { status: 502, schema: "basic-error", reason: "platform failure, injected by fault tests" },
  { status: 503, schema: "basic-error", reason: "platform failure, injected by fault tests" },
  { status: 504, schema: "basic-error", reason: "platform failure, injected by fault tests" },
];

/** Operation-specific statuses GitHub answers but does not document, with the shape it answers. */
const UNDOCUMENTED_STATUSES: ReadonlyArray<{
  method: string;
  route: string;
  status: number;
  schema: string;
  reason: string;
}> = [
  {
    method: "patch",
    route: "/repos/{owner}/{repo}/labels/{name}",
    status: 422,
    schema: "validation-error",
    reason: "a rename onto an existing label or an invalid color is refused with 422 Validation Failed",
  },
  {
    method: "patch",
    route: "/repos/{owner}/{repo}/milestones/{milestone_number}",
    status: 422,
    schema: "validation-error",
    reason: "a duplicate title or an invalid state or due_on is refused with 422 Validation Failed",
  },
];

/**
 * Schema adjustments where the description is stricter than GitHub. The contents-PUT 409 lists a
 * basic error and a rule-violation error under `oneOf`, but every basic error also satisfies the
 * rule-violation shape, so a real 409 would match both and fail `oneOf`.
 */
const ONE_OF_AS_ANY_OF: ReadonlyArray<{ method: string; route: string; status: number }> = [
  { method: "put", route: "/repos/{owner}/{repo}/contents/{path}", status: 409 },
];

/**
 * Validates one response against GitHub's REST description: the operation must exist, document the
 * status (or the status must be one GitHub's platform answers everywhere), the media type must be
 * documented, and the body and documented headers must match their schemas.
 *
 * @example validateResponse({ method: "GET", route: "/repos/{owner}/{repo}", status: 200, headers, body })
 */
export function validateResponse(response: ObservedResponse): ContractVerdict {
  const contract = loadContract();
  const method = response.method.toLowerCase();
  const label = `${response.method.toUpperCase()} ${response.route} → ${response.status}`;
  const route = resolveAlias(contract.spec, method, response.route);
  if (route === undefined)
    return failure(label, ["no operation with this method and route in GitHub's REST description"]);

  const documented = documentedResponse(contract.spec, method, route, response.status);
  if (typeof documented === "string") return failure(label, [documented]);

  const errors = [
    ...checkHeaders(contract.spec, documented.response, response),
    ...checkBody(contract, `${method} ${route} ${response.status}`, documented, response),
  ];
  return errors.length === 0 ? { ok: true } : failure(label, errors);
}

/**
 * Whether GitHub's REST description has an operation for `method` on the path template `route`
 * (directly, or through one of the listed aliases GitHub serves but does not describe).
 *
 * @example isDocumentedRoute("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}") // true
 */
export function isDocumentedRoute(method: string, route: string): boolean {
  return resolveAlias(loadContract().spec, method.toLowerCase(), route) !== undefined;
}

/**
 * Finds the OpenAPI path template that serves `path` for `method`, as GitHub's router would:
 * literal segments win over parameters; a final `{path}`/`{ref}`-style parameter may span slashes.
 * Query strings are ignored. Returns undefined when no documented or aliased route matches.
 *
 * @example findRoute("GET", "/repos/o/r/contents/docs/a.md") // "/repos/{owner}/{repo}/contents/{path}"
 */
export function findRoute(method: string, path: string): string | undefined {
  const contract = loadContract();
  const lower = method.toLowerCase();
  const bare = path.split("?")[0];
  // GitHub's Link headers may point at the id-based twin of a repository route.
  const byId = /^\/repositories\/\d+(\/.*)?$/.exec(bare);
  if (byId) {
    const twin = findRoute(method, `/repos/_/_${byId[1] ?? ""}`);
    return twin?.replace("/repos/{owner}/{repo}", "/repositories/{repository_id}");
  }
  const segments = bare.split("/").slice(1);
  let best: { route: string; score: number } | undefined;
  for (const template of contract.templates) {
    if (!template.methods.has(lower)) continue;
    const score = matchTemplate(template.segments, segments);
    if (score !== undefined && (best === undefined || score > best.score))
      best = { route: template.route, score };
  }
  return best?.route;
}

/** What a server reports for each REST response it sends (see `startLocalGitHub`'s `observe`). */
export interface ObservedExchange extends ObservedResponse {
  path: string;
}

export interface ContractWatch {
  /** Pass to the server's `observe` option. */
  observe(exchange: ObservedExchange): void;
  /** One line per problem, each naming method, route, status and path. */
  readonly violations: readonly string[];
  /** Throws an Error listing every violation seen so far, if there was any. */
  assertHonoured(): void;
}

/**
 * Watches a server's responses and collects every contract violation, so a test that made the
 * server answer in a way GitHub never would fails, however it got there.
 *
 * @example const watch = watchContract(); startLocalGitHub({ observe: watch.observe }); ... watch.assertHonoured();
 */
export function watchContract(): ContractWatch {
  const violations: string[] = [];
  return {
    violations,
    observe(exchange) {
      try {
        // Validate what went over the wire: undefined members vanish and Dates become strings in JSON.
        const body =
          exchange.body !== null &&
          typeof exchange.body === "object" &&
          !(exchange.body instanceof Uint8Array)
            ? (JSON.parse(JSON.stringify(exchange.body)) as unknown)
            : exchange.body;
        const verdict = validateResponse({ ...exchange, body });
        if (!verdict.ok) violations.push(...verdict.errors.map((error) => `${error} [${exchange.path}]`));
      } catch (error) {
        violations.push(
          `${exchange.method} ${exchange.route} → ${exchange.status}: the check itself failed: ${String(error)}`,
        );
      }
    },
    assertHonoured() {
      if (violations.length === 0) return;
      const counts = new Map<string, number>();
      for (const violation of violations) counts.set(violation, (counts.get(violation) ?? 0) + 1);
      const lines = [...counts].map(
        ([violation, count]) => `  - ${violation}${count > 1 ? ` (×${count})` : ""}`,
      );
      throw new Error(
        `the local GitHub answered ${violations.length} time(s) unlike GitHub's REST description:\n` +
          lines.join("\n"),
      );
    },
  };
}

interface RouteTemplate {
  route: string;
  segments: string[];
  methods: Set<string>;
}

/** Parameters GitHub lets contain unencoded slashes: file paths, refs and branch names. */
const SLASH_SPANNING = new Set(["{path}", "{ref}", "{branch}"]);

/** Score: literal matches count most; exact-length beats a trailing parameter that spans slashes. */
function matchTemplate(template: readonly string[], segments: readonly string[]): number | undefined {
  let score = 0;
  for (let i = 0; i < template.length; i++) {
    const part = template[i];
    const isParam = part.startsWith("{");
    const isLast = i === template.length - 1;
    if (i >= segments.length) return undefined;
    if (!isParam) {
      if (part !== segments[i]) return undefined;
      score += 100;
      continue;
    }
    if (segments[i] === "" && !isLast) return undefined;
    if (isLast && segments.length > template.length) {
      return SLASH_SPANNING.has(part) ? score : undefined; // spans slashes: the weakest match
    }
    score += 1;
  }
  return segments.length === template.length ? score + 10 : undefined;
}

function resolveAlias(spec: Spec, method: string, route: string): string | undefined {
  const documented = spec.paths[route]?.[method as Method];
  if (documented) return route;
  const byId = /^\/repositories\/\{[a-z_]+\}(\/.*)?$/.exec(route);
  if (byId) return resolveAlias(spec, method, `/repos/{owner}/{repo}${byId[1] ?? ""}`);
  const alias = ROUTE_ALIASES.find((a) => a.method === method && a.route === route);
  return alias?.as;
}

interface Documented {
  response: ResponseObject;
  /** A component schema name when the status is answered by the platform rather than documented. */
  platformSchema?: string;
  platformCheck?: (r: ObservedResponse) => string | undefined;
}

function documentedResponse(spec: Spec, method: string, route: string, status: number): Documented | string {
  const operation = spec.paths[route][method as Method]!;
  const found = operation.responses[String(status)] ?? operation.responses[`${String(status).charAt(0)}XX`];
  if (found) return { response: dereference(spec, found) };
  const known = UNDOCUMENTED_STATUSES.find(
    (u) => u.method === method && u.route === route && u.status === status,
  );
  if (known) return { response: jsonResponse(known.schema) };
  const platform = PLATFORM_STATUSES.find((p) => p.status === status);
  if (platform) {
    return {
      response: platform.schema ? jsonResponse(platform.schema) : {},
      platformSchema: platform.schema,
      platformCheck: platform.when,
    };
  }
  const listed = Object.keys(operation.responses).join(", ");
  return `status ${status} is not documented for this operation (documented: ${listed})`;
}

function jsonResponse(schema: string): ResponseObject {
  return { content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

function dereference(spec: Spec, response: ResponseObject): ResponseObject {
  if (!response.$ref) return response;
  const name = response.$ref.replace("#/components/responses/", "");
  const target = spec.components.responses[name];
  if (!target)
    throw new Error(`GitHub's REST description has a dangling response reference ${response.$ref}`);
  return dereference(spec, target);
}

function checkHeaders(spec: Spec, documented: ResponseObject, response: ObservedResponse): string[] {
  const errors: string[] = [];
  for (const [name, declared] of Object.entries(documented.headers ?? {})) {
    const definition = declared.$ref ? spec.components.headers[declared.$ref.split("/").pop()!] : declared;
    const value = header(response, name);
    if (value === undefined) {
      if (declared.required) errors.push(`header ${name} is required but absent`);
      continue;
    }
    if (definition?.schema?.type === "integer" && !/^-?\d+$/.test(value)) {
      errors.push(`header ${name} must be an integer (got ${JSON.stringify(value)})`);
    }
  }
  const link = header(response, "link");
  if (link !== undefined) errors.push(...checkLinkHeader(link));
  return errors;
}

/** Octokit's paginator follows `rel="next"` blindly, so a malformed Link header breaks every caller. */
function checkLinkHeader(link: string): string[] {
  const errors: string[] = [];
  for (const part of link.split(",")) {
    const match = /^\s*<([^>]+)>\s*;\s*rel="(first|prev|next|last)"\s*$/.exec(part);
    if (!match) {
      errors.push(
        `header link has a malformed part ${JSON.stringify(part.trim())} (expected <absolute-url>; rel="next|prev|first|last")`,
      );
    } else if (!/^https?:\/\/[^/]+\//.test(match[1])) {
      errors.push(`header link target ${JSON.stringify(match[1])} is not an absolute http(s) URL`);
    }
  }
  return errors;
}

function checkBody(
  contract: Contract,
  key: string,
  documented: Documented,
  response: ObservedResponse,
): string[] {
  const extra = documented.platformCheck?.(response);
  if (extra) return [extra];
  const content = documented.response.content;
  const text = bodyText(response.body);
  if (!content || Object.keys(content).length === 0) {
    const empty = response.body === undefined || response.body === null || text === "";
    return empty
      ? []
      : [`this status documents no body, but the response has one: ${snippet(response.body)}`];
  }

  const contentType = header(response, "content-type");
  if (contentType === undefined) return ["header content-type is absent, but this status documents a body"];
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  const declared = content[mediaType];
  if (!declared) {
    // GitHub's representation media types (`Accept: application/vnd.github.raw` and friends) return the
    // file or rendered text itself; the description does not list them, so only the form is checked.
    if (/^application\/vnd\.github(\.v3)?\.(raw|html)$/.test(mediaType)) {
      return typeof response.body === "string" || response.body instanceof Uint8Array
        ? []
        : [`a ${mediaType} representation must be raw text, got ${snippet(response.body)}`];
    }
    return [
      `media type ${mediaType} is not documented for this status (documented: ${Object.keys(content).join(", ")})`,
    ];
  }
  if (!declared.schema) return [];

  let body = response.body;
  if (mediaType.includes("json") && (typeof body === "string" || body instanceof Uint8Array)) {
    try {
      body = JSON.parse(text!) as unknown;
    } catch {
      return [`body is not valid JSON: ${snippet(text)}`];
    }
  }
  const validate = compiled(contract, `${key} ${mediaType}`, declared.schema, documented.platformSchema);
  if (validate(body)) return [];
  return formatErrors(validate.errors ?? [], body);
}

function compiled(
  contract: Contract,
  key: string,
  schema: SchemaObject,
  platformSchema: string | undefined,
): ValidateFunction {
  const cacheKey = platformSchema ? `platform ${platformSchema}` : key;
  let validate = contract.validators.get(cacheKey);
  if (!validate) {
    const refs = new Set<string>();
    let prepared = rewriteSchema(schema, refs) as SchemaObject;
    registerSchemas(contract, refs);
    const [method, route, status] = key.split(" ");
    if (
      ONE_OF_AS_ANY_OF.some((o) => o.method === method && o.route === route && String(o.status) === status)
    ) {
      prepared = oneOfAsAnyOf(prepared);
    }
    validate = contract.ajv.compile(prepared);
    contract.validators.set(cacheKey, validate);
  }
  return validate;
}

function oneOfAsAnyOf(schema: SchemaObject): SchemaObject {
  if (!Array.isArray(schema.oneOf))
    throw new Error("expected a oneOf to relax; GitHub's description changed");
  const { oneOf, ...rest } = schema;
  return { ...rest, anyOf: oneOf as unknown[] };
}

function formatErrors(errors: readonly ErrorObject[], body: unknown): string[] {
  const lines = new Set<string>();
  for (const error of errors) {
    const at = error.instancePath === "" ? "(body)" : error.instancePath;
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === "enum"
        ? ` ${JSON.stringify(params.allowedValues)}`
        : error.keyword === "required" || error.keyword === "oneOf" || error.keyword === "anyOf"
          ? ""
          : ` (got ${snippet(pointer(body, error.instancePath))})`;
    lines.add(`${at} ${error.message ?? error.keyword}${detail}`);
    if (lines.size >= MAX_ERRORS) break;
  }
  return [...lines];
}

function pointer(value: unknown, path: string): unknown {
  let current = value;
  for (const raw of path.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    current =
      current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

function failure(label: string, errors: string[]): ContractVerdict {
  return { ok: false, errors: errors.map((e) => `${label}: ${e}`) };
}

function header(response: ObservedResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(", ") : String(value);
  }
  return undefined;
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  return undefined;
}

function snippet(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Rewrites an OpenAPI 3.0 schema for ajv: `nullable: true` becomes a `"null"` type (or an `anyOf`
 * with null around compositions and references), enums of nullable values admit null, and local
 * `#/components/...` references point into the registered description. In a `oneOf`, nullability is
 * lifted out of the alternatives: `null` would otherwise match several of them and fail `oneOf`.
 */
function rewriteSchema(node: unknown, refs: Set<string>): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  let source = node as Record<string, unknown>;
  if (
    Array.isArray(source.oneOf) &&
    source.oneOf.some((a) => (a as { nullable?: boolean }).nullable === true)
  ) {
    const alternatives = (source.oneOf as Array<Record<string, unknown>>).map(
      ({ nullable: _dropped, ...rest }) => rest,
    );
    source = { ...source, oneOf: alternatives, nullable: true };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "nullable") continue;
    const rewrite = (child: unknown) => rewriteSchema(child, refs);
    if (key === "$ref") out.$ref = schemaRef(value, refs);
    else if (SCHEMA_MAPS.has(key) && isRecord(value)) out[key] = mapValues(value, rewrite);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(rewrite);
    else if (SCHEMA_VALUES.has(key)) out[key] = rewrite(value);
    else out[key] = value;
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  if (
    out.$ref !== undefined ||
    out.allOf !== undefined ||
    out.anyOf !== undefined ||
    out.oneOf !== undefined
  ) {
    return { anyOf: [out, { type: "null" }] };
  }
  return out; // no type constraint: null already passes
}

function schemaRef(ref: unknown, refs: Set<string>): string {
  const prefix = "#/components/schemas/";
  if (typeof ref !== "string" || !ref.startsWith(prefix)) {
    throw new Error(`unexpected schema reference ${JSON.stringify(ref)} in GitHub's REST description`);
  }
  const name = ref.slice(prefix.length);
  refs.add(name);
  return SCHEMA_ID_BASE + encodeURIComponent(name);
}

/** Registers the named component schemas and everything they reference, each once. */
function registerSchemas(contract: Contract, names: Iterable<string>): void {
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (contract.registered.has(name)) continue;
    const source = contract.spec.components.schemas[name];
    if (!source) throw new Error(`GitHub's REST description has no schema ${name}`);
    const refs = new Set<string>();
    const schema = rewriteSchema(source, refs) as SchemaObject;
    contract.ajv.addSchema({ ...schema, $id: SCHEMA_ID_BASE + encodeURIComponent(name) });
    contract.registered.add(name);
    pending.push(...refs);
  }
}

/** Keywords whose values are schemas; everything else (enum, example, description...) is data. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function mapValues(
  record: Record<string, unknown>,
  map: (value: unknown) => unknown,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** Loads and prepares the description once per test worker, on first use (it is 13 MB). */
function loadContract(): Contract {
  if (cached) return cached;
  const file = createRequire(import.meta.url).resolve(SPEC_FILE);
  const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    // date-time, date, uri, uri-template and email are checked because clients parse them (Date,
    // URL, url templates); the rest of the description's formats (int32, int64, double, binary,
    // timestamp, repo.nwo) annotate numbers or GitHub-private notions and constrain nothing here.
    formats: {
      "date-time": fullFormats["date-time"],
      date: fullFormats.date,
      uri: fullFormats.uri,
      "uri-template": fullFormats["uri-template"],
      email: fullFormats.email,
      int32: true,
      int64: true,
      double: true,
      binary: true,
      timestamp: true,
      "repo.nwo": true,
    },
  });
  const templates = Object.entries(spec.paths).map(([route, item]) => ({
    route,
    segments: route.split("/").slice(1),
    methods: new Set(Object.keys(item)),
  }));
  for (const alias of ROUTE_ALIASES) {
    const existing = templates.find((t) => t.route === alias.route);
    if (existing) existing.methods.add(alias.method);
    else
      templates.push({
        route: alias.route,
        segments: alias.route.split("/").slice(1),
        methods: new Set([alias.method]),
      });
  }
  cached = { spec, ajv, validators: new Map(), registered: new Set(), templates };
  return cached;
}

let cached: Contract | undefined;
