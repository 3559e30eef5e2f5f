/**
 * Token broker benchmark (`npm run bench:broker`, after `npm run build`). The broker runs as in
 * production: `task-assistant broker serve` in a process of its own, against a local GitHub whose
 * OIDC issuer mints the job tokens (all minted before any measurement; each is exchanged once, as
 * the replay guard demands). Measured in this one run:
 *
 *   1. exchange latency p50/p99 with warm caches, beside a bare `jose` `jwtVerify` of the same
 *      tokens and one loopback HTTP round trip (the same request) to a bare `node:http` server in its
 *      own process that, like the broker, answers a JSON body of the same size in one write with a
 *      content-length (target: exchange p50 ≤ 3 × verify p50 + round-trip p50). The three are
 *      measured in alternating batches, in a rotating order, so that the machine's load (other work
 *      shares it) falls on all three alike; each round's own p50s are compared too;
 *   2. GitHub requests per 1,000 exchanges for one engine and repository (target ≤ 2);
 *   3. exchanges per second at 50 concurrent clients, with the number of errors (target: none).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { BROKER_AUDIENCE } from "../src/github/broker-token-provider.js";
import { APP_REPOSITORY } from "../src/runtime/app-repository.js";
import { INFRA_REPOSITORY, startBrokerGitHub, type BrokerGitHub } from "../test/broker/broker-world.js";

const BIN = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const ROUNDS = 30;
const BATCH = 100;
const LATENCY_SAMPLES = ROUNDS * BATCH;
const COST_EXCHANGES = 1_000;
const CONCURRENCY = 50;
const THROUGHPUT_EXCHANGES = 5_000;
const ENFORCE = { owner: "acme", repositories: ["widgets"], permissions: { issues: "write" } };
const SPROCKETS = { owner: "globex", repositories: ["sprockets"], permissions: { issues: "write" } };

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (value: number) => `${value.toFixed(3)} ms`;

/** Starts node with `args` and resolves with its first stdout line (its address) and the process. */
function startChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf("\n");
      if (end === -1) return;
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining the log lines
      resolve({ child, line: buffered.slice(0, end) });
    };
    child.stdout.on("data", onData);
    child.on("exit", (code) =>
      reject(new Error(`${args.join(" ")} exited ${String(code)} before it served`)),
    );
  });
}

async function exchange(url: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}/v1/installation-token`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function mintMany(world: BrokerGitHub, count: number, claims: () => Record<string, unknown>) {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = Math.min(100, count - tokens.length);
    tokens.push(...(await Promise.all(Array.from({ length: batch }, () => world.mint(claims())))));
  }
  return tokens;
}

async function restRequests(world: BrokerGitHub): Promise<number> {
  const stats = await world.github.stats();
  return stats.requests
    .filter(({ route }) => !route.startsWith("/_emulator"))
    .reduce((sum, { count }) => sum + count, 0);
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error("run `npm run build` first: dist/cli/bin.js is missing");
  const world = await startBrokerGitHub();
  const workdir = await mkdtemp(join(tmpdir(), "bench-broker-"));
  const children: ChildProcess[] = [];
  try {
    const keyFile = join(workdir, "app.pem");
    await writeFile(keyFile, world.app.private_key, { mode: 0o600 });
    // The broker logs to a file, as a service's log collector would take it, not to a pipe this
    // process would have to drain while it measures.
    const logFile = join(workdir, "broker.log");
    const broker = spawn(process.execPath, [BIN, "broker", "serve", "--port", "0", "--json"], {
      env: {
        PATH: process.env.PATH,
        TA_APP_ID: String(world.app.id),
        TA_APP_PRIVATE_KEY_FILE: keyFile,
        TA_BROKER_ISSUER: world.github.oidcIssuer,
        TA_APP_REPO: APP_REPOSITORY,
        TA_INFRA_REPO: INFRA_REPOSITORY,
        GITHUB_API_URL: world.github.url,
      },
      stdio: ["ignore", openSync(logFile, "w"), "inherit"],
    });
    children.push(broker);
    let log = "";
    while (!log.includes("\n")) {
      if (broker.exitCode !== null)
        throw new Error(`broker serve exited ${broker.exitCode} before it served`);
      await new Promise((resolve) => setTimeout(resolve, 25));
      log = await readFile(logFile, "utf8");
    }
    const url = (JSON.parse(log.slice(0, log.indexOf("\n"))) as { url: string }).url;
    // The bare server answers like the broker: the body read, then headers with a content-length
    // and a JSON body of the broker's answer's size, in one write.
    const bare = await startChild(
      [
        "-e",
        `const body = JSON.stringify({ token: "ghs_" + "0".repeat(36), expires_at: new Date().toISOString(),
           permissions: { issues: "write", metadata: "read" }, repositories: ["widgets"] }) + "\\n";
         require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => {
           s.writeHead(201, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store",
             "content-length": Buffer.byteLength(body) }); s.end(body); }); })
         .listen(0, "127.0.0.1", function () { console.log("http://127.0.0.1:" + this.address().port); });`,
      ],
      { PATH: process.env.PATH },
    );
    children.push(bare.child);
    console.log(`broker (separate process): ${url}; bare node:http server (separate process): ${bare.line}`);

    const sprockets = await world.jobClaims("globex/sprockets");
    let jti = 0;
    const widgetsClaims = () => world.claims();
    const sprocketsClaims = () => ({ ...sprockets, jti: `bench-${(jti += 1)}` });
    console.log("minting job tokens at the local GitHub's issuer ...");
    const warm = await mintMany(world, 100, widgetsClaims);
    const latencyTokens = await mintMany(world, LATENCY_SAMPLES, widgetsClaims);
    const costTokens = await mintMany(world, COST_EXCHANGES, sprocketsClaims);
    const throughputTokens = await mintMany(world, THROUGHPUT_EXCHANGES, widgetsClaims);

    // Warm every cache: issuer keys, registry, releases, installation, token.
    for (const token of warm)
      if ((await exchange(url, token, ENFORCE)) !== 201) throw new Error("warm-up refused");

    // 1. Bare verification of the same tokens with the same checks, keys in memory; a bare round trip
    // with the same request; the exchange. Alternating batches in a rotating order.
    const jwks = (await (await fetch(`${world.github.oidcIssuer}/.well-known/jwks`)).json()) as JSONWebKeySet;
    const keys = createLocalJWKSet(jwks);
    const options = { issuer: world.github.oidcIssuer, audience: BROKER_AUDIENCE, algorithms: ["RS256"] };
    for (let index = 0; index < 200; index += 1) await jwtVerify(latencyTokens[index], keys, options);
    for (let index = 0; index < 100; index += 1) await exchange(bare.line, latencyTokens[index], ENFORCE);
    const verify: number[] = [];
    const roundTrip: number[] = [];
    const latency: number[] = [];
    let roundsMet = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const tokens = latencyTokens.slice(round * BATCH, (round + 1) * BATCH);
      const mine = { verify: [] as number[], roundTrip: [] as number[], latency: [] as number[] };
      const batches = [
        async () => {
          for (const token of tokens) {
            const started = performance.now();
            await jwtVerify(token, keys, options);
            mine.verify.push(performance.now() - started);
          }
        },
        async () => {
          for (const token of tokens) {
            const started = performance.now();
            await exchange(bare.line, token, ENFORCE);
            mine.roundTrip.push(performance.now() - started);
          }
        },
        async () => {
          for (const token of tokens) {
            const started = performance.now();
            const status = await exchange(url, token, ENFORCE);
            mine.latency.push(performance.now() - started);
            if (status !== 201) throw new Error(`exchange in round ${round} answered ${status}`);
          }
        },
      ];
      for (let step = 0; step < batches.length; step += 1) await batches[(round + step) % batches.length]();
      if (percentile(mine.latency, 50) <= 3 * percentile(mine.verify, 50) + percentile(mine.roundTrip, 50))
        roundsMet += 1;
      verify.push(...mine.verify);
      roundTrip.push(...mine.roundTrip);
      latency.push(...mine.latency);
    }
    const target = 3 * percentile(verify, 50) + percentile(roundTrip, 50);
    console.log(
      `\n1. exchange latency, warm caches (sequential, one client; ${ROUNDS} rounds of ${BATCH} of each, interleaved)`,
    );
    console.log(
      `   bare jose jwtVerify      p50 ${ms(percentile(verify, 50))}  p99 ${ms(percentile(verify, 99))}  (${verify.length} samples)`,
    );
    console.log(
      `   loopback round trip      p50 ${ms(percentile(roundTrip, 50))}  p99 ${ms(percentile(roundTrip, 99))}  (${roundTrip.length} samples)`,
    );
    console.log(
      `   broker exchange          p50 ${ms(percentile(latency, 50))}  p99 ${ms(percentile(latency, 99))}  (${latency.length} samples)`,
    );
    console.log(
      `   target p50 ≤ 3 × verify + round trip = ${ms(target)}: ${percentile(latency, 50) <= target ? "met" : "NOT met"} (ratio ${(percentile(latency, 50) / target).toFixed(2)}); met in ${roundsMet} of ${ROUNDS} rounds by their own p50s`,
    );

    // 2. GitHub requests for 1,000 exchanges of one engine and repository, from a cold token cache.
    await world.github.resetStats();
    for (let index = 0; index < COST_EXCHANGES; index += 10) {
      const statuses = await Promise.all(
        costTokens.slice(index, index + 10).map((token) => exchange(url, token, SPROCKETS)),
      );
      if (statuses.some((status) => status !== 201))
        throw new Error(`cost exchange answered ${statuses.join(",")}`);
    }
    const requests = await restRequests(world);
    const routes = (await world.github.stats()).requests
      .filter(({ route }) => !route.startsWith("/_emulator"))
      .map(({ method, route, count }) => `${method} ${route} ×${count}`);
    console.log(
      "\n2. GitHub requests per 1,000 exchanges (enforce, globex/sprockets, token cache cold at start)",
    );
    console.log(
      `   ${requests} requests (${routes.join("; ") || "none"}); target ≤ 2: ${requests <= 2 ? "met" : "NOT met"}`,
    );

    // 3. Throughput at 50 concurrent clients.
    let next = 0;
    let errors = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < throughputTokens.length) {
          const token = throughputTokens[next];
          next += 1;
          try {
            if ((await exchange(url, token, ENFORCE)) !== 201) errors += 1;
          } catch {
            errors += 1;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n3. throughput, ${CONCURRENCY} concurrent clients, ${THROUGHPUT_EXCHANGES} exchanges`);
    console.log(
      `   ${(THROUGHPUT_EXCHANGES / seconds).toFixed(0)} exchanges/s (${seconds.toFixed(2)} s), ${errors} errors; target no errors: ${errors === 0 ? "met" : "NOT met"}`,
    );
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await world.github.stop();
    await rm(workdir, { recursive: true, force: true });
  }
}

await main();
