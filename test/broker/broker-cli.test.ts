import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENFORCE_REQUEST, exchangeAt, startBrokerGitHub, type BrokerGitHub } from "./broker-world.js";
import { brokerProcessEnv, collectOutput, spawnBrokerServe, spawnCli, type Ended } from "./broker-process.js";

/**
 * `task-assistant broker serve` as a process of its own, as it runs in production: the built CLI
 * (`npm run build`) against a local GitHub, stopped by signals.
 */

/** How long a signalled broker may take to exit before the test counts it as hung (not a timing claim). */
const STOP_BOUND_MS = 10_000;

let world: BrokerGitHub;
let workdir: string;
let keyFile: string;

beforeAll(async () => {
  world = await startBrokerGitHub();
  workdir = await mkdtemp(join(tmpdir(), "broker-cli-"));
  keyFile = join(workdir, "app.pem");
  await writeFile(keyFile, world.app.private_key, { mode: 0o600 });
});
afterAll(async () => {
  await world.github.stop();
  await rm(workdir, { recursive: true, force: true });
});

function brokerEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return brokerProcessEnv(world, workdir, keyFile, extra);
}

/** Runs the CLI to its end (for commands that refuse to start). */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Ended> {
  return collectOutput(spawnCli(args, workdir, env)).ended;
}

/** Starts `broker serve --port 0 --json` and waits for its start line. */
async function startCliBroker(env = brokerEnv()) {
  const { child, output, started } = spawnBrokerServe([], workdir, env);
  const answer = await started;
  if (!("url" in answer)) throw new Error(`broker serve ended before listening: ${answer.stderr}`);
  const start = answer.start as { event: string; url: string };
  return {
    url: start.url,
    start,
    async stop(signal: NodeJS.Signals): Promise<Ended> {
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`still running ${STOP_BOUND_MS} ms after ${signal}`));
        }, STOP_BOUND_MS);
      });
      try {
        return await Promise.race([output.ended, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Substrings of the App's private key: any of them in the log would be a leak. */
function keyMaterial(pem: string): string[] {
  const body = pem.split("\n").filter((line) => line !== "" && !line.startsWith("-----"));
  return body.map((line) => line.slice(0, 32)).filter((chunk) => chunk.length === 32);
}

describe("task-assistant broker serve (the built CLI in its own process)", () => {
  it("serves exchanges with one JSON log line each, never logs a token or the key, and exits 143 on SIGTERM", async () => {
    const broker = await startCliBroker();
    expect(broker.start).toMatchObject({ event: "listening", issuer: world.github.oidcIssuer });
    expect((await fetch(`${broker.url}/healthz`)).status).toBe(200);

    const good = await world.mint(world.claims());
    const granted = await exchangeAt(broker.url, good, ENFORCE_REQUEST);
    expect(granted.status).toBe(201);
    const replayed = await exchangeAt(broker.url, good, ENFORCE_REQUEST);
    expect(replayed.body.code).toBe("token_replayed");
    const pushEvent = await world.mint(world.claims({ event_name: "pull_request_target" }));
    expect((await exchangeAt(broker.url, pushEvent, ENFORCE_REQUEST)).body.code).toBe("event_not_allowed");

    const ended = await broker.stop("SIGTERM");
    expect(ended.code).toBe(143);
    const lines = ended.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const exchanges = lines.filter((line) => line.event === "exchange");
    expect(exchanges.map(({ outcome, code }) => ({ outcome, code }))).toEqual([
      { outcome: "granted", code: undefined },
      { outcome: "refused", code: "token_replayed" },
      { outcome: "refused", code: "event_not_allowed" },
    ]);
    expect(exchanges[0]).toMatchObject({
      engine: "enforce",
      release: "v1.0.0",
      claims: { repository: "acme/widgets", job_workflow_sha: world.released, event_name: "issues" },
      grant: { owner: "acme", repositories: ["widgets"], permissions: { issues: "write", metadata: "read" } },
    });
    expect(lines.at(-1)).toMatchObject({ event: "stopped" });

    const everything = `${ended.stdout}\n${ended.stderr}`;
    const secrets = [
      granted.body.token as string,
      good,
      good.split(".")[2],
      pushEvent,
      ...keyMaterial(world.app.private_key),
    ];
    expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
    expect(everything).not.toContain("PRIVATE KEY");
  });

  it("on SIGINT lets an exchange in flight finish, then exits 130", async () => {
    const broker = await startCliBroker();
    // A slow GitHub: the exchange is still waiting for its installation token when the signal comes.
    await world.github.addFaults({
      route: "POST /app/installations/{installation_id}/access_tokens",
      latency_ms: 1_500,
      count: 1,
    });
    try {
      const claims = await world.jobClaims("globex/sprockets");
      const inFlight = exchangeAt(broker.url, await world.mint(claims), {
        owner: "globex",
        repositories: ["sprockets"],
        permissions: { issues: "write" },
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ended = broker.stop("SIGINT");
      expect((await inFlight).status).toBe(201);
      expect((await ended).code).toBe(130);
      await expect(fetch(`${broker.url}/healthz`)).rejects.toThrow();
    } finally {
      await world.github.clearFaults();
    }
  });

  it("refuses to start without the App id, naming the setting (exit 2)", async () => {
    const ended = await runCli(["broker", "serve", "--port", "0"], brokerEnv({ TA_APP_ID: undefined }));
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain("--app-id (TA_APP_ID)");
  });

  it("refuses a key file that is not a key without printing it (exit 2)", async () => {
    const notKey = join(workdir, "not-a-key.pem");
    await writeFile(notKey, "hunter2-secret-material\n");
    const ended = await runCli(
      ["broker", "serve", "--port", "0", "--private-key-file", notKey],
      brokerEnv({ TA_APP_PRIVATE_KEY_FILE: undefined }),
    );
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain("not an RSA private key");
    expect(ended.stderr).not.toContain("hunter2");
  });

  it("exits 3 when its port is taken", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    try {
      const port = (holder.address() as { port: number }).port;
      const ended = await runCli(["broker", "serve", "--port", String(port)], brokerEnv());
      expect(ended.code).toBe(3);
      expect(ended.stderr).toContain(`127.0.0.1:${port}`);
    } finally {
      holder.close();
    }
  });
});
