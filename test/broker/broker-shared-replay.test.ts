import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharedReplayStore } from "../../src/broker/shared-replay-store.js";
import { ENFORCE_REQUEST, exchangeAt, startBrokerGitHub, type BrokerGitHub } from "./broker-world.js";
import { brokerProcessEnv, spawnBrokerServe } from "./broker-process.js";

/**
 * `broker serve --replay-dir`: broker instances in processes of their own (the built CLI, `npm run
 * build`) share one replay store, so a job token exchanged at one is refused at the others.
 */

let world: BrokerGitHub;
let workdir: string;
let keyFile: string;
const running: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  world = await startBrokerGitHub();
  workdir = await mkdtemp(join(tmpdir(), "broker-replay-"));
  keyFile = join(workdir, "app.pem");
  await writeFile(keyFile, world.app.private_key, { mode: 0o600 });
});
afterAll(async () => {
  const live = running.filter((child) => child.exitCode === null);
  const closed = live.map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of live) child.kill("SIGTERM");
  await Promise.all(closed);
  await world.github.stop();
  await rm(workdir, { recursive: true, force: true });
});

/** Runs `broker serve --port 0 --json ...args` and answers its start line, or how it ended. */
function serve(args: string[], extraEnv: Record<string, string> = {}) {
  const { child, started } = spawnBrokerServe(
    args,
    workdir,
    brokerProcessEnv(world, workdir, keyFile, extraEnv),
  );
  running.push(child);
  return started;
}

async function brokerAt(args: string[]): Promise<string> {
  const answer = await serve(args);
  if (!("url" in answer)) throw new Error(`broker serve ended (${answer.code}): ${answer.stderr}`);
  return answer.url;
}

describe("a replay store shared by broker instances (--replay-dir)", () => {
  it("refuses at the second instance a token exchanged at the first, and of one token sent to both at once grants exactly one", async () => {
    const dir = join(workdir, "replay");
    const [first, second, alone] = await Promise.all([
      brokerAt(["--replay-dir", dir]),
      brokerAt(["--replay-dir", dir]),
      brokerAt([]),
    ]);
    const token = await world.mint(world.claims());
    expect((await exchangeAt(first, token, ENFORCE_REQUEST)).status).toBe(201);
    expect((await exchangeAt(second, token, ENFORCE_REQUEST)).body).toMatchObject({
      code: "token_replayed",
    });
    // An instance that keeps its jtis in memory does not know (why the store is needed).
    expect((await exchangeAt(alone, token, ENFORCE_REQUEST)).status).toBe(201);

    const tokens = await Promise.all(Array.from({ length: 20 }, () => world.mint(world.claims())));
    const answers = await Promise.all(
      tokens.map((each) => Promise.all([first, second].map((url) => exchangeAt(url, each, ENFORCE_REQUEST)))),
    );
    for (const pair of answers)
      expect(pair.map(({ status, body }) => (status === 201 ? "granted" : body.code)).sort()).toEqual([
        "granted",
        "token_replayed",
      ]);
    expect((await readdir(dir)).filter((name) => /^[0-9a-f]{64}$/.test(name))).toHaveLength(21);
  });

  it("names --replay-dir and exits 2 when the directory cannot hold the store", async () => {
    const file = join(workdir, "not-a-directory");
    await writeFile(file, "x");
    const ended = await serve(["--replay-dir", file]);
    expect(ended).toMatchObject({ code: 2 });
    expect("stderr" in ended && ended.stderr).toContain("--replay-dir (TA_BROKER_REPLAY_DIR)");
    expect(await readFile(file, "utf8")).toBe("x");
  });
});

describe("SharedReplayStore", () => {
  it("keeps each jti until its token expires plus the skew and a minute, then sweeps it", async () => {
    const dir = await mkdtemp(join(workdir, "sweep-"));
    const store = new SharedReplayStore(dir, 60);
    const other = new SharedReplayStore(dir, 60);
    expect(await store.replayed("a", 1_000, 900)).toBe(false);
    expect(await store.replayed("b", 2_000, 900)).toBe(false);
    expect(await other.replayed("a", 1_000, 950)).toBe(true);
    expect(await other.sweep(1_120)).toBe(0);
    expect(await other.sweep(1_121)).toBe(1);
    expect(await readdir(dir)).toHaveLength(1);
    // Swept, "a" could be created again, but by then its token is expired and refused before this.
    expect(await new SharedReplayStore(dir, 60).replayed("b", 2_000, 1_200)).toBe(true);
  });
});
