import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHub } from "../../github/octokit.js";
import { readLocalEndpoint } from "../../github/endpoint.js";
import { main } from "../main.js";
import { reportError } from "../report-error.js";
import { captureIO } from "../test-io.js";

/** tsx's loader by absolute URL: the child runs in a temporary directory with no node_modules. */
const TSX_LOADER = pathToFileURL(join(process.cwd(), "node_modules/tsx/dist/loader.mjs")).href;

describe("task-assistant github start", () => {
  let home: string;

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "task-assistant-home-"));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  /** A CliIO whose interruption the test triggers. */
  function interruptibleIO() {
    const controller = new AbortController();
    const captured = captureIO({ env: { TASK_ASSISTANT_HOME: home }, cwd: home, signal: controller.signal });
    return { ...captured, interrupt: () => controller.abort() };
  }

  /** Runs the CLI in-process as bin.ts would: a thrown error is reported and becomes the exit code. */
  const cli = (args: string[], io: ReturnType<typeof interruptibleIO>["io"]) =>
    main(args, io).catch((error: unknown) => reportError(error, io));

  async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("serves a seeded local GitHub, records its address for other commands, and clears it on interrupt", async () => {
    await writeFile(
      join(home, "seed.yml"),
      "users: [{ login: octo }]\nrepos: [{ name: octo/hello, files: { README.md: hi } }]\ntokens: [{ token: ghp_octo_00001, user: octo }]\n",
    );
    const { io, stdout, interrupt } = interruptibleIO();
    const running = cli(["github", "start", "--seed", "seed.yml"], io);

    const endpoint = await waitFor(() => readLocalEndpoint(io.env));
    expect(endpoint).toMatchObject({ pid: process.pid, stateDir: join(home, "local-github-state") });
    expect(stdout()).toContain(`Local GitHub is serving at ${endpoint.url}`);
    expect(stdout()).toContain(`admin token:  ${endpoint.adminToken}`);
    expect(stdout()).toContain("token:        ghp_octo_00001 (octo)");
    const octokit = createGitHub({ baseUrl: endpoint.url, auth: "ghp_octo_00001", retries: 0 });
    expect((await octokit.rest.repos.get({ owner: "octo", repo: "hello" })).data.full_name).toBe(
      "octo/hello",
    );

    interrupt();
    expect(await running).toBe(0);
    expect(await readLocalEndpoint(io.env)).toBeUndefined();
    expect(stdout()).toContain("Local GitHub stopped");
    expect((await stat(join(home, "local-github-state", "state.json"))).isFile()).toBe(true);
  });

  it("refuses an invalid seed with file:line:col and exit code 2, serving nothing", async () => {
    await writeFile(join(home, "bad.yml"), "users:\n  - login: octo\n    role: admin\n");
    const { io, stderr } = interruptibleIO();
    expect(await cli(["github", "start", "--seed", "bad.yml", "--state-dir", "state"], io)).toBe(2);
    expect(stderr()).toContain('bad.yml:3:11 /users/0/role: unknown key "role"');
    expect(await readLocalEndpoint(io.env)).toBeUndefined();
  });

  it("refuses a bad port as a usage error and a taken port as an external failure", async () => {
    const { io, stderr } = interruptibleIO();
    expect(await cli(["github", "start", "--port", "http"], io)).toBe(2);
    expect(stderr()).toContain("--port must be a TCP port number");

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const second = interruptibleIO();
      expect(await cli(["github", "start", "--port", String(taken), "--state-dir", "s"], second.io)).toBe(3);
      expect(second.stderr()).toContain(`cannot listen on port ${taken}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("keeps state across restarts as a process, stopping cleanly on SIGINT (130) and SIGTERM (143)", async () => {
    const start = () =>
      spawn(
        process.execPath,
        ["--import", TSX_LOADER, join(process.cwd(), "src/cli/bin.ts"), "github", "start", "--json"],
        {
          cwd: home,
          env: { ...process.env, TASK_ASSISTANT_HOME: home },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
    const firstLine = (child: ReturnType<typeof start>) =>
      new Promise<{ url: string; adminToken: string }>((resolve, reject) => {
        let text = "";
        let errors = "";
        child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.trimEnd().endsWith("}")) resolve(JSON.parse(text) as { url: string; adminToken: string });
        });
        child.on("exit", (code) => reject(new Error(`exited early with ${String(code)}: ${errors}`)));
      });
    const exited = (child: ReturnType<typeof start>) =>
      new Promise<number | null>((resolve) => child.on("exit", resolve));

    const first = start();
    const { url, adminToken } = await firstLine(first);
    const admin = createGitHub({ baseUrl: url, auth: adminToken, retries: 0 });
    await admin.rest.repos.createForAuthenticatedUser({ name: "kept" });
    first.kill("SIGINT");
    expect(await exited(first)).toBe(130);
    expect(JSON.parse(await readFile(join(home, "local-github-state", "state.json"), "utf8"))).toMatchObject({
      adminToken,
    });

    const second = start();
    const again = await firstLine(second);
    try {
      expect(again.adminToken).toBe(adminToken);
      const repo = await createGitHub({ baseUrl: again.url, auth: adminToken, retries: 0 }).rest.repos.get({
        owner: "local-admin",
        repo: "kept",
      });
      expect(repo.data.name).toBe("kept");
    } finally {
      second.kill("SIGTERM");
      expect(await exited(second)).toBe(143);
    }
  });
});
