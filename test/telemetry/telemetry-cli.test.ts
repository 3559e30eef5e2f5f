import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { reportError } from "../../src/cli/report-error.js";
import { captureIO } from "../../src/cli/test-io.js";
import { exitCodeOf, PolicyError, UsageError, ValidationError } from "../../src/errors.js";
import { aResult, CONTENTS_PUT, startTelemetryWorld, type TelemetryWorld } from "./telemetry-world.js";

const run = promisify(execFile);
const RESULT_TIME = new Date("2026-11-21T21:15:00.250Z");
const RECORD_DIR = "telemetry/v1/repos/acme-widgets/2026-11-21";

let world: TelemetryWorld;
let workdir: string;
beforeAll(async () => {
  world = await startTelemetryWorld();
});
afterAll(async () => {
  await world.stop();
});
beforeEach(async () => {
  workdir = await mkdtemp(join(tmpdir(), "telemetry-cli-"));
  await world.clearFaults();
  await world.resetStats();
});
afterEach(async () => {
  await rm(workdir, { recursive: true, force: true });
});

/** The run's time is set once per run, as a workflow would; a test can override or drop it. */
const env = (extra: Record<string, string | undefined> = {}) => ({
  GITHUB_API_URL: world.server.url,
  GITHUB_TOKEN: world.token,
  TASK_ASSISTANT_GENERATED_AT: RESULT_TIME.toISOString(),
  ...extra,
});

async function resultFile(content: string | undefined, name = "result.json") {
  const path = join(workdir, name);
  if (content !== undefined) {
    await writeFile(path, content);
    await utimes(path, RESULT_TIME, RESULT_TIME);
  }
  return path;
}

const emitArgs = (correlationId: string, result: string, extra: string[] = []) => [
  "telemetry",
  "emit",
  "--engine",
  "validate",
  "--target-repo",
  "acme/widgets",
  "--telemetry-repo",
  "acme/telemetry",
  "--correlation-id",
  correlationId,
  "--engine-ref",
  "v1.4.0",
  "--result",
  result,
  ...extra,
];

async function stored(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const { data } = await world.github.rest.repos.getContent({ owner: "acme", repo: "telemetry", path });
    return JSON.parse(
      Buffer.from((data as { content: string }).content, "base64").toString("utf8"),
    ) as Record<string, unknown>;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

async function filesIn(dir: string): Promise<string[]> {
  const { data } = await world.github.rest.repos.getContent({ owner: "acme", repo: "telemetry", path: dir });
  return (data as Array<{ name: string }>).map((entry) => entry.name);
}

describe("task-assistant telemetry emit", () => {
  it("stores the engine's result as its record, timed by the run, and says where", async () => {
    const cap = captureIO({ env: env(), cwd: workdir });
    const code = await main(emitArgs("cli-1", await resultFile(JSON.stringify(aResult()))), cap.io);

    expect(code).toBe(0);
    expect(cap.stdout()).toBe(
      `acme/telemetry:${RECORD_DIR}/cli-1/validate.json created (ok=true, 1 attempt)\n`,
    );
    expect(await stored(`${RECORD_DIR}/cli-1/validate.json`)).toEqual({
      schema_version: "1.0",
      generated_at: "2026-11-21T21:15:00.250Z",
      correlation_id: "cli-1",
      engine_name: "validate",
      engine_ref: "v1.4.0",
      ok: true,
      source: { runner: "local", workflow: "engine-validate", job: "validate" },
      entity: { type: "repository", owner: "acme", repo: "widgets" },
      event: { category: "validate", action: "success", reason: null },
      details: aResult(),
    });
  });

  it("records the GitHub Actions run it came from", async () => {
    const cap = captureIO({
      env: env({
        GITHUB_ACTIONS: "true",
        GITHUB_RUN_ID: "9187",
        GITHUB_RUN_ATTEMPT: "2",
        GITHUB_WORKFLOW: "engine-validate.yml",
      }),
      cwd: workdir,
    });
    await main(
      emitArgs("cli-actions", await resultFile(JSON.stringify(aResult())), ["--job", "check"]),
      cap.io,
    );
    expect((await stored(`${RECORD_DIR}/cli-actions/validate.json`))?.source).toEqual({
      runner: "github-actions",
      workflow: "engine-validate.yml",
      job: "check",
      run_id: "9187",
      run_attempt: "2",
    });
  });

  it.each([
    [
      "--generated-at",
      ["--generated-at", RESULT_TIME.toISOString()],
      { TASK_ASSISTANT_GENERATED_AT: undefined },
    ],
    ["TASK_ASSISTANT_GENERATED_AT", [], { TASK_ASSISTANT_GENERATED_AT: RESULT_TIME.toISOString() }],
  ])(
    "is idempotent with the run's time from %s, even after the result file was rewritten",
    async (name, extra, extraEnv) => {
      const cid = `cli-again-${name.startsWith("-") ? "flag" : "env"}`;
      const content = JSON.stringify(aResult());
      const file = await resultFile(content);
      const first = captureIO({ env: env(extraEnv), cwd: workdir });
      expect(await main(emitArgs(cid, file, extra), first.io)).toBe(0);
      expect(first.stdout()).toContain(" created ");
      // The engine's step ran again and wrote the same result: a new modification time.
      await writeFile(file, content);
      await utimes(file, new Date("2026-11-22T09:00:00Z"), new Date("2026-11-22T09:00:00Z"));
      const again = captureIO({ env: env(extraEnv), cwd: workdir });
      expect(await main(emitArgs(cid, file, extra), again.io)).toBe(0);
      expect(again.stdout()).toContain("already stored with the same bytes");
      expect(await filesIn(`${RECORD_DIR}/${cid}`)).toEqual(["validate.json"]);
      expect((await stored(`${RECORD_DIR}/${cid}/validate.json`))?.generated_at).toBe(
        RESULT_TIME.toISOString(),
      );
    },
  );

  it.each([
    ["garbled", "{ok: true", "result.json:1:2 (document): is not valid JSON here"],
    ["not UTF-8", Buffer.from([0xff, 0xfe, 0x7b]), "result.json (document): is not UTF-8 text"],
    [
      "leaking another repository",
      JSON.stringify(aResult({ actions: [{ id: "x", target: { owner: "globex", repo: "secret" } }] })),
      "result.json /actions/0/target: details at /actions/0/target holds both owner and repo",
    ],
    ["of another shape", JSON.stringify({ ok: true }), "result.json /tool: result is missing tool"],
  ])("refuses a result file that is %s with exit 2, before any request", async (_name, content, problem) => {
    await writeFile(join(workdir, "result.json"), content);
    const cap = captureIO({ env: env(), cwd: workdir });
    const failure = await main(emitArgs("cli-refused-result", "result.json"), cap.io).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect(reportError(failure, cap.io)).toBe(2);
    expect(cap.stderr()).toContain(
      "error: the result file result.json is not an engine result; nothing was written",
    );
    expect(cap.stderr()).toContain(`  ${problem}`);
    expect((await world.stats()).total).toBe(0);
  });

  it.each([
    ["missing", undefined, "result file result.json is missing: validate wrote no result"],
    ["empty", "", "result file result.json is empty: validate wrote no result"],
  ])("still stores exactly one ok=false record when the result file is %s", async (name, content, reason) => {
    const cid = `cli-${name.split(" ")[0]}`;
    await resultFile(content);
    const cap = captureIO({ env: env({ TASK_ASSISTANT_GENERATED_AT: undefined }), cwd: workdir });
    expect(await main(emitArgs(cid, "result.json"), cap.io)).toBe(0);
    expect(cap.stderr()).toContain(`note: the record says ok=false: ${reason}`);
    // Without a run time the record is dated now: take the path from the output.
    const path = cap.stdout().split(" ")[0].replace("acme/telemetry:", "");
    expect(path).toMatch(
      new RegExp(`^telemetry/v1/repos/acme-widgets/\\d{4}-\\d{2}-\\d{2}/${cid}/validate\\.json$`),
    );
    const saved = await stored(path);
    expect(saved).toMatchObject({ ok: false, event: { action: "failure" } });
    expect((saved?.event as { reason: string }).reason).toBe(reason);
  });

  it.each([
    ["another org's telemetry repository", ["--telemetry-repo", "globex/telemetry"], PolicyError],
    ["the monitored repository itself", ["--telemetry-repo", "acme/widgets"], PolicyError],
    ["an unsafe correlation id", ["--correlation-id", "../../x"], UsageError],
    ["an engine name that is not one", ["--engine", "Validate/../x"], UsageError],
    ["a malformed time", ["--generated-at", "yesterday"], UsageError],
  ])("refuses %s before any request", async (_name, override, type) => {
    const args = emitArgs("cli-refused", await resultFile(JSON.stringify(aResult())));
    args.splice(args.indexOf(override[0]), 2, ...override);
    await expect(main(args, captureIO({ env: env(), cwd: workdir }).io)).rejects.toBeInstanceOf(type);
    expect((await world.stats()).total).toBe(0);
  });

  it("refuses a different record at the same path and keeps the stored one", async () => {
    await main(
      emitArgs("cli-conflict", await resultFile(JSON.stringify(aResult()))),
      captureIO({ env: env(), cwd: workdir }).io,
    );
    const before = await stored(`${RECORD_DIR}/cli-conflict/validate.json`);
    const changed = await resultFile(JSON.stringify(aResult({ summary: "something else" })), "other.json");
    await expect(
      main(emitArgs("cli-conflict", changed), captureIO({ env: env(), cwd: workdir }).io),
    ).rejects.toMatchObject({
      exitCode: 2,
      name: "ImmutableRecordConflict",
    });
    expect(await stored(`${RECORD_DIR}/cli-conflict/validate.json`)).toEqual(before);
  });
});

describe("a result file that holds a secret instead of a result", () => {
  it.each([
    ["a token", "ghp_SUPERSECRET0123456789abcdefghijklmnopqr\n", "ghp_SUPERS"],
    [
      "a passwd file",
      "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n",
      "root:x:0:0",
    ],
  ])(
    "is refused with exit 2 before any request, and %s is echoed nowhere",
    { timeout: 60_000 },
    async (_name, content, secret) => {
      const file = join(workdir, "leaked.json");
      await writeFile(file, content);
      const ended = await spawnCli(emitArgs("cli-secret", file)).exited;

      expect(ended.code).toBe(2);
      expect(ended.stderr).toBe(
        `error: the result file ${file} is not an engine result; nothing was written\n` +
          `  ${file}:1:1 (document): is not valid JSON here\n` +
          "hint: pass the JSON the engine wrote: { tool, version, ok, summary, checks, actions } (DESIGN §5.5)\n",
      );
      expect(`${ended.stdout}${ended.stderr}`).not.toContain(secret);
      expect((await world.stats()).total).toBe(0);
      const history = await run("git", ["log", "--all", "-p", "--format=%H %s"], {
        cwd: await world.clone(),
      });
      expect(history.stdout).not.toContain(secret);
      expect(history.stdout).not.toContain("cli-secret");
    },
  );
});

describe("a writer killed in the middle of its retries", () => {
  it("leaves no partial record, and running it again stores exactly one", { timeout: 120_000 }, async () => {
    const file = await resultFile(JSON.stringify(aResult()));
    await world.addFaults({ route: CONTENTS_PUT, status: 409 });
    const child = spawnCli(emitArgs("cli-killed", file));
    await waitFor(async () => ((await world.stats()).by_route[CONTENTS_PUT]?.["409"] ?? 0) >= 3);
    child.kill("SIGKILL");
    expect(await child.exited).toMatchObject({ signal: "SIGKILL" });
    expect(await stored(`${RECORD_DIR}/cli-killed/validate.json`)).toBeUndefined();

    await world.clearFaults();
    const again = spawnCli(emitArgs("cli-killed", file));
    expect(await again.exited).toMatchObject({ code: 0 });
    expect(await filesIn(`${RECORD_DIR}/cli-killed`)).toEqual(["validate.json"]);
  });

  it(
    "stores exactly one record even when killed while its write may have landed",
    { timeout: 120_000 },
    async () => {
      const file = await resultFile(JSON.stringify(aResult()));
      // The write is held on the server; the writer dies before it hears how the write went.
      await world.addFaults({ route: CONTENTS_PUT, latency_ms: 1_500, count: 1 });
      const child = spawnCli(emitArgs("cli-in-flight", file));
      await waitFor(async () => ((await fetchFaults())[0]?.hits ?? 0) >= 1);
      child.kill("SIGKILL");
      await child.exited;
      await new Promise((resolve) => setTimeout(resolve, 2_000));

      const again = spawnCli(emitArgs("cli-in-flight", file));
      const ended = await again.exited;
      expect(ended.code).toBe(0);
      expect(ended.stdout).toMatch(/ (created|already stored with the same bytes) \(ok=true/);
      expect(await filesIn(`${RECORD_DIR}/cli-in-flight`)).toEqual(["validate.json"]);
    },
  );
});

describe("task-assistant telemetry validate DIR", () => {
  it("passes a clean clone and names each file that breaks a rule", async () => {
    await main(
      emitArgs("cli-validate", await resultFile(JSON.stringify(aResult()))),
      captureIO({ env: env(), cwd: workdir }).io,
    );
    const checkout = await world.clone();
    const clean = captureIO({ env: env(), cwd: checkout });
    expect(await main(["telemetry", "validate", "."], clean.io)).toBe(0);
    expect(clean.stdout()).toMatch(/^\.: \d+ record files, \d+ valid, 0 unexpected entries, 0 problems\n$/);

    await writeFile(join(checkout, RECORD_DIR, "cli-validate", ".keep"), "");
    const dirty = captureIO({ env: env(), cwd: checkout });
    await expect(main(["telemetry", "validate", "."], dirty.io)).rejects.toBeInstanceOf(ValidationError);
    expect(dirty.stdout()).toContain(
      `${RECORD_DIR}/cli-validate/.keep (document): unexpected file: .keep is a placeholder`,
    );
  });
});

describe("task-assistant telemetry validate DIR without telemetry/v1/", () => {
  it("says the directory is no telemetry checkout and exits 2, rather than reporting 0 problems", async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), "not-telemetry-"));
    try {
      await writeFile(join(elsewhere, "README.md"), "# tps reports\n");
      const io = captureIO({ env: env(), cwd: elsewhere });
      const code = await main(["telemetry", "validate", "."], io.io).then(
        () => 0,
        (error: unknown) => exitCodeOf(error),
      );
      expect(code).toBe(2);
      expect(io.stdout()).toBe("");
      await expect(
        main(["telemetry", "validate", "."], captureIO({ env: env(), cwd: elsewhere }).io),
      ).rejects.toThrow(/\. holds no telemetry\/v1\/ directory: it is not a telemetry repository checkout/);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

async function fetchFaults(): Promise<Array<{ hits: number }>> {
  const response = await fetch(`${world.server.url}/_emulator/faults`, {
    headers: { authorization: `token ${world.server.adminToken}` },
  });
  return (await response.json()) as Array<{ hits: number }>;
}

function spawnCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/bin.ts", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { kill: (signal: NodeJS.Signals) => child.kill(signal), exited };
}

/** Polls `condition` until it holds; the test's own timeout bounds the wait. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}
