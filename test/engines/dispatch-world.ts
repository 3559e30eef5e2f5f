import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { captureIO } from "../../src/cli/test-io.js";
import type { SeedRepo } from "../../src/emulator/seed/seed-types.js";
import type { EngineResult } from "../../src/runtime/engine.js";
import { canonicalJson } from "../../src/util/canonical-json.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";

export const INFRA_REPO = "ops/task-assistant-infra";
export const APP_SLUG = "task-assistant";
export const BOT = `${APP_SLUG}[bot]`;
export const HUMAN_TOKEN = "ghp_ada_maintainer_0001";
export const CONFIG_PATH = ".github/task-assistant.yml";

/** The host config every repository of the world starts from: the template hosts are given. */
export async function templateConfig(): Promise<string> {
  return readFile(new URL("../../templates/host/task-assistant.yml", import.meta.url), "utf8");
}

/** A registry v2 with acme's repositories enabled and acme/telemetry as its telemetry repository. */
function registry(repos: string[]): string {
  const entries = Object.fromEntries(
    repos.map((repo) => [
      repo,
      { state: "enabled", context: "sandbox", process: "infra-cli", reason: "engine acceptance" },
    ]),
  );
  return canonicalJson({
    schema_version: "2.0",
    generated_at: "2026-11-21T00:00:00Z",
    description: "engines acceptance world",
    orgs: { acme: { telemetry_repo: "acme/telemetry", repos: entries } },
  });
}

export interface RunReportJson {
  plan: { mode: string; engines: string[]; correlation_id: string; config_ref?: string };
  ok: boolean;
  preflight: { ok: boolean; record_path: string };
  engines: Array<{ engine: string; ok: boolean; summary: string; record_path: string }>;
}

/** The parts of a telemetry record (envelope v1) these tests read. */
export interface StoredRecord {
  ok: boolean;
  engine_name: string;
  engine_ref: string;
  correlation_id: string;
  event: { category: string; action: string; reason: string | null };
  details: EngineResult & { materialize_plan?: { summary: string; actions: unknown[] } };
}

export interface DispatchWorld {
  github: TestGitHub;
  /** Runs `task-assistant dispatch` in-process as the App; returns the exit code and output. */
  dispatch(
    event: string,
    payload: unknown,
    repo: string,
    extra?: string[],
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Same, with `--json`, parsing the run report. */
  dispatchJson(
    event: string,
    payload: unknown,
    repo: string,
    extra?: string[],
  ): Promise<{ code: number; report: RunReportJson }>;
  /** A record the run wrote to acme/telemetry, parsed. */
  record(path: string): Promise<StoredRecord>;
  stop(): Promise<void>;
}

/**
 * A deployment: the infra repo with the registry, the App installed on ops (infra, read) and on
 * acme (hosts and telemetry), the given host repositories, and acme/telemetry. Runs dispatch as the
 * App, so the engines' writes are the bot's.
 */
export async function startDispatchWorld(
  hosts: SeedRepo[],
  options: { otherApps?: string[] } = {},
): Promise<DispatchWorld> {
  const otherApps = options.otherApps ?? [];
  const github = await startTestGitHub({
    users: [{ login: "ada", name: "Ada Maintainer", email: "ada@example.com" }],
    orgs: [
      { login: "ops", members: [{ login: "ada", role: "admin" }] },
      { login: "acme", members: [{ login: "ada", role: "admin" }] },
    ],
    repos: [
      {
        name: INFRA_REPO,
        private: true,
        files: { "infra/telemetry-registry.v2.json": registry(hosts.map((h) => h.name.split("/")[1])) },
      },
      ...hosts,
      { name: "acme/telemetry", private: true, files: { "README.md": "# acme telemetry\n" } },
    ],
    apps: [
      {
        slug: APP_SLUG,
        owner: "ops",
        permissions: { issues: "write", contents: "write", metadata: "read" },
        events: ["issues", "push", "pull_request"],
      },
      ...otherApps.map((slug) => ({ slug, owner: "ops", permissions: { issues: "write" as const } })),
    ],
    installations: [
      { app: APP_SLUG, account: "acme", repository_selection: "all" },
      {
        app: APP_SLUG,
        account: "ops",
        repository_selection: "selected",
        repositories: ["task-assistant-infra"],
      },
      ...otherApps.map((slug) => ({ app: slug, account: "acme", repository_selection: "all" as const })),
    ],
    tokens: [{ token: HUMAN_TOKEN, user: "ada" }],
  });
  const app = github.seeded!.apps.find((seeded) => seeded.slug === APP_SLUG)!;
  const dir = await mkdtemp(join(tmpdir(), "engines-dispatch-"));
  let payloads = 0;

  const dispatch = async (event: string, payload: unknown, repo: string, extra: string[] = []) => {
    payloads += 1;
    const file = join(dir, `payload-${payloads}.json`);
    await writeFile(file, JSON.stringify(payload));
    const cap = captureIO({
      cwd: dir,
      env: { GITHUB_API_URL: github.url, TA_APP_ID: String(app.id), TA_APP_PRIVATE_KEY: app.private_key },
    });
    const args = [
      "dispatch",
      "--event",
      event,
      "--payload",
      file,
      "--repo",
      repo,
      "--infra-repo",
      INFRA_REPO,
    ];
    const code = await main(
      [...args, "--engine-ref", "v1.4.0", "--app-slug", APP_SLUG, ...extra],
      cap.io,
    ).catch(async (error: unknown) =>
      (await import("../../src/cli/report-error.js")).reportError(error, cap.io),
    );
    return { code, stdout: cap.stdout(), stderr: cap.stderr() };
  };

  return {
    github,
    dispatch,
    async dispatchJson(event, payload, repo, extra = []) {
      const result = await dispatch(event, payload, repo, [...extra, "--json"]);
      if (result.stdout === "")
        throw new Error(`dispatch printed nothing (exit ${result.code}): ${result.stderr}`);
      return { code: result.code, report: JSON.parse(result.stdout) as RunReportJson };
    },
    async record(path) {
      const { data } = await github
        .client()
        .rest.repos.getContent({ owner: "acme", repo: "telemetry", path });
      return JSON.parse(
        Buffer.from((data as { content: string }).content, "base64").toString("utf8"),
      ) as StoredRecord;
    },
    async stop() {
      await github.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
