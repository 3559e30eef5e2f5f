import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../infra/support/infra-cli.js";

/**
 * Several local GitHubs on one machine, each a real `github start` process: commands use the one
 * running under their TASK_ASSISTANT_HOME and say so, refuse to guess between several, and take
 * the one GITHUB_API_URL names.
 */

const TSX_LOADER = pathToFileURL(join(process.cwd(), "node_modules/tsx/dist/loader.mjs")).href;
const SEED = `users: [{ login: octo }]
orgs: [{ login: acme, members: [{ login: octo, role: admin }] }]
repos: [{ name: acme/task-assistant-telemetry, files: { README.md: "telemetry\\n" } }]
`;

interface Server {
  child: ChildProcess;
  url: string;
  record: string;
}

let dir: string;
const servers: Server[] = [];

async function startServer(home: string, name: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX_LOADER,
      join(process.cwd(), "src/cli/bin.ts"),
      "github",
      "start",
      "--json",
      "--seed",
      "seed.yml",
      "--state-dir",
      name,
    ],
    {
      cwd: dir,
      env: { ...process.env, TASK_ASSISTANT_HOME: home, GITHUB_API_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const answer = await new Promise<{ url: string; record: string }>((resolve, reject) => {
    let text = "";
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.trimEnd().endsWith("}")) resolve(JSON.parse(text) as { url: string; record: string });
    });
    child.on("exit", (code) => reject(new Error(`github start exited ${String(code)}: ${errors}`)));
  });
  const server = { child, ...answer };
  servers.push(server);
  return server;
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.on("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
  servers.splice(servers.indexOf(server), 1);
}

let shared: string;
let first: Server;
let second: Server;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ta-local-githubs-"));
  await writeFile(join(dir, "seed.yml"), SEED);
  shared = join(dir, "shared-home");
  [first, second] = await Promise.all([startServer(shared, "state-a"), startServer(shared, "state-b")]);
}, 60_000);

afterAll(async () => {
  for (const server of [...servers]) await stopServer(server);
  await rm(dir, { recursive: true, force: true });
});

const list = (env: Record<string, string | undefined>) =>
  runCli(dir, ["telemetry", "list", "--repo", "acme/task-assistant-telemetry"], {
    GITHUB_API_URL: undefined,
    ...env,
  });

describe("finding the local GitHub", () => {
  it("refuses to guess between two servers under one TASK_ASSISTANT_HOME, naming both", async () => {
    const result = await list({ TASK_ASSISTANT_HOME: shared });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`2 local GitHubs are running under ${shared}`);
    expect(result.stderr).toContain(first.url);
    expect(result.stderr).toContain(second.url);
    expect(result.stderr).toContain("GITHUB_API_URL");
  });

  it("uses the one GITHUB_API_URL names, with its admin token", async () => {
    const result = await list({ TASK_ASSISTANT_HOME: shared, GITHUB_API_URL: second.url });
    expect(result.stderr).not.toContain("local GitHubs are running");
    expect(result.code).toBe(0);
  });

  it("uses the only one under its own TASK_ASSISTANT_HOME and says which it used", async () => {
    const own = join(dir, "own-home");
    const alone = await startServer(own, "state-c");
    const result = await list({ TASK_ASSISTANT_HOME: own });
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")[0] + "\n").toBe(
      `using the local GitHub at ${alone.url} (state ${join(dir, "state-c")}; found in ${join(own, "local-githubs")})\n`,
    );
    await stopServer(alone);
    const after = await list({ TASK_ASSISTANT_HOME: own });
    expect(after.code).toBe(2);
    expect(after.stderr).toContain("no GitHub API is configured");
    expect(after.stderr).toContain(`TASK_ASSISTANT_HOME, now ${own}`);
  }, 60_000);
});
