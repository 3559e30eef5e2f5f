import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHub } from "../../src/github/octokit.js";

/**
 * The README's walkthrough, run as written: the `sh walkthrough` blocks of its "Walkthrough"
 * section, in order, in one bash with `set -euo pipefail`, from the clone, with `task-assistant` on
 * PATH (as `npm link` puts it) and a fresh HOME. The local GitHub is started with the section's own
 * `github start` line; the only change made to the text is its port (4010 → a free one).
 */

const ROOT = resolve(".");
const BIN = join(ROOT, "dist/cli/bin.js");

interface Walkthrough {
  serverLine: string;
  script: string;
}

function readWalkthrough(readme: string): Walkthrough {
  const start = readme.indexOf("## Walkthrough: from nothing to a running org");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh( walkthrough)?\n([\s\S]*?)```/g)];
  const serverLine = blocks
    .filter((block) => block[1] === undefined)
    .map((block) => block[2].trim())
    .find((text) => text.startsWith("task-assistant github start"));
  const script = blocks
    .filter((block) => block[1] !== undefined)
    .map((block) => block[2])
    .join("\n");
  if (start === -1 || serverLine === undefined || script === "")
    throw new Error(
      "the README has no walkthrough section with a `github start` line and sh walkthrough blocks",
    );
  return { serverLine, script };
}

let work: string;
let home: string;
let env: Record<string, string>;
let server: ChildProcess | undefined;
let apiUrl: string;
let adminToken: string;
let walkthrough: Walkthrough;

beforeAll(async () => {
  walkthrough = readWalkthrough(await readFile(join(ROOT, "README.md"), "utf8"));
  work = await mkdtemp(join(tmpdir(), "ta-walkthrough-"));
  home = join(work, "home");
  const bin = join(work, "bin");
  await mkdir(home, { recursive: true });
  await mkdir(bin);
  await writeFile(join(bin, "task-assistant"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(join(bin, "task-assistant"), 0o755);
  env = {
    PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: home,
    GIT_AUTHOR_NAME: "Olivia Operator",
    GIT_AUTHOR_EMAIL: "olivia@example.com",
    GIT_COMMITTER_NAME: "Olivia Operator",
    GIT_COMMITTER_EMAIL: "olivia@example.com",
    GIT_CONFIG_NOSYSTEM: "1",
  };
  const argv = walkthrough.serverLine.replace("--port 4010", "--port 0 --json").split(/\s+/).slice(1);
  server = spawn(process.execPath, [BIN, ...argv], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  server.on("error", () => {});
  const started = await new Promise<{ url: string; adminToken: string }>((done, fail) => {
    let text = "";
    let errors = "";
    server!.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    server!.stdout!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.trimEnd().endsWith("}")) done(JSON.parse(text) as { url: string; adminToken: string });
    });
    server!.on("error", fail);
    server!.on("exit", (code) => fail(new Error(`github start exited ${String(code)}: ${errors}`)));
  });
  apiUrl = started.url;
  adminToken = started.adminToken;
}, 60_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((done) => server!.on("exit", done));
    server.kill("SIGTERM");
    await exited;
  }
  await rm(work, { recursive: true, force: true });
});

describe("the README walkthrough", () => {
  it("takes an operator from nothing to a registered, protected, recorded org on the local GitHub", async () => {
    const host = new URL(apiUrl).host;
    const script = `set -euo pipefail\n${walkthrough.script.replaceAll("127.0.0.1:4010", host)}`;
    const result = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn("bash", ["-c", script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.on("exit", (code) => done({ code, output }));
    });
    expect(result.code, result.output).toBe(0);

    const admin = createGitHub({ baseUrl: apiUrl, auth: adminToken, retries: 0 });
    // main of the infra repository is protected and holds the merged registration.
    const protection = await admin.rest.repos.getBranchProtection({
      owner: "acme-ops",
      repo: "task-assistant-infra",
      branch: "main",
    });
    expect(protection.data.enforce_admins?.enabled).toBe(true);
    const registry = await admin.rest.repos.getContent({
      owner: "acme-ops",
      repo: "task-assistant-infra",
      path: "infra/telemetry-registry.v2.json",
    });
    const text = Buffer.from((registry.data as { content: string }).content, "base64").toString("utf8");
    expect(JSON.parse(text)).toMatchObject({
      orgs: { acme: { repos: { widgets: { context: "production", state: "enabled" } } } },
    });
    // The telemetry repository's main takes no force push or deletion, and commits from the App only.
    const telemetryProtection = await admin.rest.repos.getBranchProtection({
      owner: "acme",
      repo: "task-assistant-telemetry",
      branch: "main",
    });
    expect(telemetryProtection.data).toMatchObject({
      enforce_admins: { enabled: true },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      restrictions: { apps: [{ slug: "task-assistant" }] },
    });
    // The host caller is installed, and the telemetry repository has records and dashboards.
    await admin.rest.repos.getContent({
      owner: "acme",
      repo: "widgets",
      path: ".github/workflows/task-assistant-dispatch.yml",
    });
    const tree = await admin.rest.git.getTree({
      owner: "acme",
      repo: "task-assistant-telemetry",
      tree_sha: "main",
      recursive: "true",
    });
    const paths = tree.data.tree.map((entry) => entry.path ?? "");
    expect(paths.some((path) => /^telemetry\/v1\/repos\/acme-widgets\/.*\/validate\.json$/.test(path))).toBe(
      true,
    );
    expect(paths.some((path) => path.startsWith("telemetry/v1/dashboards/"))).toBe(true);
    expect(result.output).toContain("using the local GitHub at");
  }, 120_000);
});
