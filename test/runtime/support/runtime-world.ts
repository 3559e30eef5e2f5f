import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "../../../src/util/canonical-json.js";
import type { SeedDocument } from "../../../src/emulator/start-local-github.js";
import { startTestGitHub, type TestGitHub } from "../../support/local-github.js";

/** The tokens of the world's people: the operator can do anything; rita may only read acme's repos. */
export const TOKENS = {
  operator: "ghp_operator_ada_0001",
  reader: "ghp_reader_rita_0001",
} as const;

export const INFRA_REPO = "ops/task-assistant-infra";
export const REGISTRY_FILE = "infra/telemetry-registry.v2.json";

type RepoEntry = {
  state: "enabled" | "disabled";
  context: "sandbox" | "production";
  process: string;
  reason: string;
};

const entry = (state: RepoEntry["state"] = "enabled", reason = "pilot repository"): RepoEntry => ({
  state,
  context: "sandbox",
  process: "infra-cli",
  reason,
});

/**
 * The registry of the world: acme (widgets, gadgets enabled; paused disabled; stray not registered),
 * globex (sprockets), and nomad, whose telemetry repository was never created. initech is not
 * registered at all.
 */
export function worldRegistry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: "2.0",
    generated_at: "2026-11-21T00:00:00Z",
    description: "runtime acceptance world",
    orgs: {
      acme: {
        telemetry_repo: "acme/telemetry",
        repos: { widgets: entry(), gadgets: entry(), paused: entry("disabled", "paused for a migration") },
      },
      globex: { telemetry_repo: "globex/telemetry", repos: { sprockets: entry() } },
      nomad: { telemetry_repo: "nomad/telemetry", repos: { app: entry() } },
    },
    ...overrides,
  };
}

export const registryText = (registry: Record<string, unknown> = worldRegistry()) => canonicalJson(registry);

/** The starter config the installer writes; it declares phases, milestones and enforcement. */
export async function starterConfig(): Promise<string> {
  return readFile(
    join(import.meta.dirname, "..", "..", "..", "templates", "host", "task-assistant.yml"),
    "utf8",
  );
}

/** A host repository: the starter config, its phase labels and milestones, and one issue with two phases. */
async function hostRepo(name: string) {
  return {
    name,
    files: { "README.md": `# ${name}\n`, ".github/task-assistant.yml": await starterConfig() },
    labels: [
      { name: "phase-1", color: "C2E0C6", description: "Phase 1: planning" },
      { name: "phase-2", color: "0E8A16", description: "Phase 2: build" },
    ],
    milestones: [{ title: "Phase 1 – Planning" }, { title: "Phase 2 – Build" }],
    issues: [{ title: "Two phases at once", labels: ["phase-1", "phase-2"], user: "ada" }],
  };
}

/** Starts the local GitHub (held to GitHub's REST contract) with the world seeded; the caller stops it. */
export async function startWorld(registry: string = registryText()): Promise<TestGitHub> {
  return startTestGitHub(await worldSeed(registry));
}

/** The world as a seed: operators, orgs, host and telemetry repositories, the infra repository, Apps. */
export async function worldSeed(registry: string = registryText()): Promise<SeedDocument> {
  return {
    users: [{ login: "ada", name: "Ada Operator", email: "ada@example.com" }, { login: "rita" }],
    orgs: [
      { login: "ops", members: [{ login: "ada", role: "admin" }] },
      {
        login: "acme",
        members: [{ login: "ada", role: "admin" }, "rita"],
        default_repository_permission: "read",
      },
      { login: "globex", members: [{ login: "ada", role: "admin" }] },
      { login: "nomad", members: [{ login: "ada", role: "admin" }] },
      { login: "initech", members: [{ login: "ada", role: "admin" }] },
    ],
    repos: [
      { name: INFRA_REPO, private: true, files: { [REGISTRY_FILE]: registry } },
      await hostRepo("acme/widgets"),
      await hostRepo("acme/gadgets"),
      await hostRepo("acme/paused"),
      await hostRepo("acme/stray"),
      { name: "acme/telemetry", private: true, files: { "README.md": "# acme telemetry\n" } },
      await hostRepo("globex/sprockets"),
      { name: "globex/telemetry", private: true, files: { "README.md": "# globex telemetry\n" } },
      await hostRepo("nomad/app"),
      await hostRepo("initech/thing"),
    ],
    tokens: [
      { token: TOKENS.operator, user: "ada" },
      { token: TOKENS.reader, user: "rita" },
    ],
    // The App, installed on acme and on the infra repository; and a second App that may not write issues.
    apps: [
      {
        slug: "task-assistant",
        owner: "ops",
        permissions: { contents: "write", issues: "write", metadata: "read" },
      },
      {
        slug: "task-assistant-lite",
        owner: "ops",
        permissions: { contents: "write", issues: "read", metadata: "read" },
      },
    ],
    installations: [
      { app: "task-assistant", account: "acme", repository_selection: "all" },
      {
        app: "task-assistant",
        account: "ops",
        repository_selection: "selected",
        repositories: ["task-assistant-infra"],
      },
      { app: "task-assistant-lite", account: "acme", repository_selection: "all" },
    ],
  };
}

/** The record files under a correlation directory of a repo's telemetry, by name, with their bytes. */
export async function recordsOf(
  github: TestGitHub,
  telemetryRepo: string,
  directory: string,
): Promise<Map<string, string>> {
  const [owner, repo] = telemetryRepo.split("/");
  const client = github.client(TOKENS.operator);
  const files = new Map<string, string>();
  let listing;
  try {
    listing = await client.rest.repos.getContent({ owner, repo, path: directory });
  } catch (error) {
    if ((error as { status?: number }).status === 404) return files;
    throw error;
  }
  for (const item of listing.data as Array<{ name: string; path: string; type: string }>) {
    if (item.type !== "file") continue;
    const { data } = await client.rest.repos.getContent({ owner, repo, path: item.path });
    files.set(item.name, Buffer.from((data as { content: string }).content, "base64").toString("utf8"));
  }
  return files;
}

/** Every file path under `telemetry/` in a telemetry repository (through the git tree). */
export async function telemetryPaths(github: TestGitHub, telemetryRepo: string): Promise<string[]> {
  const [owner, repo] = telemetryRepo.split("/");
  const client = github.client(TOKENS.operator);
  const paths: string[] = [];
  const walk = async (path: string): Promise<void> => {
    let listing;
    try {
      listing = await client.rest.repos.getContent({ owner, repo, path });
    } catch (error) {
      if ((error as { status?: number }).status === 404) return;
      throw error;
    }
    for (const item of listing.data as Array<{ path: string; type: string }>) {
      if (item.type === "dir") await walk(item.path);
      else paths.push(item.path);
    }
  };
  await walk("telemetry");
  return paths.sort();
}

/** Requests that are not reads, from the server's stats: `METHOD route status ×count`. */
export function writesIn(stats: {
  requests: Array<{ method: string; route: string; status: number; count: number }>;
}): string[] {
  return stats.requests
    .filter((request) => !["GET", "HEAD"].includes(request.method))
    .map((request) => `${request.method} ${request.route} ${request.status} ×${request.count}`)
    .sort();
}

/** A stored record as the tests read it back. */
export interface StoredRecord {
  ok: boolean;
  engine_name: string;
  engine_ref: string;
  correlation_id: string;
  source: Record<string, unknown>;
  event: { category: string; action: string; reason: string | null };
  details: {
    ok: boolean;
    summary: string;
    checks: Array<{ id: string; outcome: string }>;
    [key: string]: unknown;
  };
}

export const parseRecord = (text: string) => JSON.parse(text) as StoredRecord;
