/**
 * Kill-and-restart rounds against a local GitHub in a child process: clients write (issue creates,
 * label adds) and record every write the server acknowledged; the child gets SIGKILL at a random
 * moment; a new child starts on the same state dir; every acknowledged write must be there, and the
 * issue numbers it hands out next must follow the highest acknowledged one. Used by the normal
 * suite (a few rounds) and the soak (many).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const TSX_LOADER = pathToFileURL(join(process.cwd(), "node_modules/tsx/dist/loader.mjs")).href;
const CHILD = join(process.cwd(), "test/support/local-github-child.ts");
const TOKEN = "ghp_durability_000001";
const LABELS = ["red", "green", "blue"];
const SEED = `users: [{ login: writer }]
repos: [{ name: writer/log, labels: [{ name: red }, { name: green }, { name: blue }] }]
tokens: [{ token: ${TOKEN}, user: writer, rate_limit: 100000000 }]
limits: { content_creation_per_minute: 100000000, content_creation_per_hour: 100000000 }
`;

export interface KillRoundsOptions {
  rounds: number;
  /** Concurrent writing clients. */
  writers?: number;
  /** The kill comes this many ms (drawn uniformly) after the writes start. */
  killAfterMs?: [number, number];
  /** Journal compaction threshold of the child (small values make kills land inside compactions). */
  compactBytes?: number;
  /** Seed of the pseudo-random kill times and write mix (printed with any failure). */
  seed?: number;
}

export interface KillRoundsReport {
  rounds: number;
  acknowledgedCreates: number;
  acknowledgedLabels: number;
  /** Writes that failed because the server died under them (not acknowledged, so not required). */
  unacknowledged: number;
  /** Everything found wrong: lost creates, lost labels, reused numbers. Empty when durable. */
  problems: string[];
}

/** A small seeded PRNG (mulberry32), so a failing run can be repeated. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Child {
  process: ChildProcess;
  url: string;
}

function startChild(stateDir: string, seedFile: string, compactBytes: number | undefined): Promise<Child> {
  const child = spawn(
    process.execPath,
    ["--import", TSX_LOADER, CHILD, stateDir, seedFile, ...(compactBytes ? [String(compactBytes)] : [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf("\n");
      if (newline !== -1)
        resolve({ process: child, url: (JSON.parse(out.slice(0, newline)) as { url: string }).url });
    });
    child.on("exit", (code) =>
      reject(new Error(`the local GitHub child exited (${String(code)}): ${errors}`)),
    );
  });
}

function killChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once("exit", () => resolve());
    child.process.kill("SIGKILL");
  });
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, data: text ? (JSON.parse(text) as unknown) : undefined };
}

interface Ledger {
  /** Acknowledged creates: issue number → title. */
  titles: Map<number, string>;
  /** Acknowledged label adds: issue number → labels. */
  labels: Map<number, Set<string>>;
  problems: string[];
  unacknowledged: number;
}

/** Writes until `stop` says so; records what the server acknowledged. */
async function writeLoop(
  url: string,
  ledger: Ledger,
  random: () => number,
  tag: string,
  stopped: () => boolean,
) {
  let counter = 0;
  while (!stopped()) {
    const known = [...ledger.titles.keys()];
    try {
      if (known.length === 0 || random() < 0.6) {
        const title = `${tag}-${(counter += 1)}`;
        const { status, data } = await call(url, "POST", "/repos/writer/log/issues", { title });
        if (status !== 201) throw new Error(`create answered ${status}`);
        const number = (data as { number: number }).number;
        const previous = ledger.titles.get(number);
        if (previous !== undefined)
          ledger.problems.push(`issue number ${number} reused: "${previous}", then "${title}"`);
        ledger.titles.set(number, title);
      } else {
        const number = known[Math.floor(random() * known.length)];
        const label = LABELS[Math.floor(random() * LABELS.length)];
        const { status } = await call(url, "POST", `/repos/writer/log/issues/${number}/labels`, {
          labels: [label],
        });
        if (status !== 200) throw new Error(`label add answered ${status}`);
        let set = ledger.labels.get(number);
        if (!set) ledger.labels.set(number, (set = new Set()));
        set.add(label);
      }
    } catch {
      // The server died under this write: it was never acknowledged.
      ledger.unacknowledged += 1;
      if (stopped()) return;
    }
  }
}

/** Every acknowledged write must be on the restarted server; numbering must continue past them. */
async function check(url: string, ledger: Ledger, round: number): Promise<void> {
  const found = new Map<number, { title: string; labels: string[] }>();
  for (let page = 1; ; page += 1) {
    const { data } = await call(url, "GET", `/repos/writer/log/issues?state=all&per_page=100&page=${page}`);
    const issues = data as Array<{ number: number; title: string; labels: Array<{ name: string }> }>;
    for (const issue of issues)
      found.set(issue.number, { title: issue.title, labels: issue.labels.map((l) => l.name) });
    if (issues.length < 100) break;
  }
  for (const [number, title] of ledger.titles) {
    const issue = found.get(number);
    if (issue?.title !== title) {
      ledger.problems.push(
        `round ${round}: acknowledged issue #${number} "${title}" is ${issue ? `"${issue.title}"` : "missing"}`,
      );
    }
  }
  for (const [number, labels] of ledger.labels) {
    for (const label of labels) {
      if (!found.get(number)?.labels.includes(label)) {
        ledger.problems.push(`round ${round}: acknowledged label ${label} on #${number} is missing`);
      }
    }
  }
  const highest = Math.max(0, ...ledger.titles.keys());
  const { status, data } = await call(url, "POST", "/repos/writer/log/issues", { title: `probe-${round}` });
  const number = (data as { number?: number }).number ?? -1;
  if (status !== 201 || number <= highest) {
    ledger.problems.push(
      `round ${round}: a new issue got #${number} (status ${status}), not past #${highest}`,
    );
  } else {
    ledger.titles.set(number, `probe-${round}`);
  }
}

/**
 * Runs `rounds` kill-and-restart rounds on one state dir and reports what was acknowledged and
 * anything lost. Starts and kills only its own child processes.
 */
export async function runKillRounds(options: KillRoundsOptions): Promise<KillRoundsReport> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const random = randomFrom(seed);
  const [minKill, maxKill] = options.killAfterMs ?? [50, 600];
  const dir = await mkdtemp(join(tmpdir(), "local-github-kill-"));
  const seedFile = join(dir, "seed.yml");
  await writeFile(seedFile, SEED);
  const stateDir = join(dir, "state");
  const ledger: Ledger = { titles: new Map(), labels: new Map(), problems: [], unacknowledged: 0 };
  let child: Child | undefined;
  try {
    child = await startChild(stateDir, seedFile, options.compactBytes);
    for (let round = 1; round <= options.rounds; round += 1) {
      let stopped = false;
      const running = child;
      const writers = Array.from({ length: options.writers ?? 8 }, (_, index) =>
        writeLoop(running.url, ledger, random, `r${round}w${index}`, () => stopped),
      );
      await new Promise((resolve) => setTimeout(resolve, minKill + random() * (maxKill - minKill)));
      await killChild(running);
      stopped = true;
      await Promise.all(writers);
      child = await startChild(stateDir, seedFile, options.compactBytes);
      await check(child.url, ledger, round);
    }
  } finally {
    if (child) await killChild(child);
    await rm(dir, { recursive: true, force: true });
  }
  return {
    rounds: options.rounds,
    acknowledgedCreates: ledger.titles.size,
    acknowledgedLabels: [...ledger.labels.values()].reduce((sum, set) => sum + set.size, 0),
    unacknowledged: ledger.unacknowledged,
    problems: ledger.problems.map((problem) => `${problem} (seed ${seed})`),
  };
}
