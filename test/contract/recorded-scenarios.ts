import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One request and response as recorded against api.github.com by `@octokit/fixtures`. */
export interface RecordedExchange {
  method: string;
  /** Path and query as sent, e.g. `/repos/octokit-fixture-org/labels/labels?per_page=3`. */
  path: string;
  requestHeaders: Record<string, string>;
  /** Request body: parsed JSON, or "" when the request had none. */
  requestBody: unknown;
  status: number;
  headers: Record<string, string>;
  /** Response body: parsed JSON, a string for raw media types, or "" when empty. */
  body: unknown;
}

/** The scenarios whose recordings the local GitHub is held to. */
export const GOLDEN_SCENARIOS = [
  "labels",
  "git-refs",
  "create-file",
  "paginate-issues",
  "errors",
  "get-content",
  "get-repository",
  "add-labels-to-issue",
] as const;
export type ScenarioName = (typeof GOLDEN_SCENARIOS)[number];

interface FixtureEntry {
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
  reqheaders?: Record<string, string | number>;
  headers?: Record<string, string>;
}

const fixturesRoot = join(
  dirname(createRequire(import.meta.url).resolve("@octokit/fixtures/package.json")),
  "scenarios",
  "api.github.com",
);

/**
 * Loads a scenario's normalized recording (ids, dates and SHAs replaced by placeholders, which
 * keeps shapes and statuses intact).
 *
 * @example const [list] = loadScenario("labels");
 */
export function loadScenario(name: string): RecordedExchange[] {
  const entries = JSON.parse(
    readFileSync(join(fixturesRoot, name, "normalized-fixture.json"), "utf8"),
  ) as FixtureEntry[];
  return entries.map((entry) => ({
    method: entry.method.toUpperCase(),
    path: entry.path,
    requestHeaders: Object.fromEntries(
      Object.entries(entry.reqheaders ?? {}).map(([key, value]) => [key, String(value)]),
    ),
    requestBody: entry.body,
    status: entry.status,
    headers: entry.headers ?? {},
    body: entry.response,
  }));
}
