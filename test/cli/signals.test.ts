import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  aResult,
  CONTENTS_PUT,
  startTelemetryWorld,
  type TelemetryWorld,
} from "../telemetry/telemetry-world.js";

/**
 * Every command stops on the first SIGINT or SIGTERM, cleans up what it owns and exits with
 * 128 + signo, even while it waits on GitHub (a long `retry-after`, a slow answer). These run the
 * built CLI (`npm run build`) as separate processes, as a shell or a CI runner would signal it.
 */

/** How long a signalled command may take before the test counts it as not stopping (not a timing claim). */
const STOP_BOUND_MS = 10_000;
const ROOT = join(import.meta.dirname, "..", "..");

let world: TelemetryWorld;
let workdir: string;
beforeAll(async () => {
  world = await startTelemetryWorld();
  workdir = await mkdtemp(join(tmpdir(), "cli-signals-"));
});
afterAll(async () => {
  await world.stop();
  await rm(workdir, { recursive: true, force: true });
});
beforeEach(async () => {
  await world.clearFaults();
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI with its own empty TMPDIR, so whatever it leaves behind can be seen. */
async function startCli(args: string[]) {
  const temp = await mkdtemp(join(workdir, "tmp-"));
  const child = spawn(process.execPath, [join(ROOT, "dist/cli/bin.js"), ...args], {
    cwd: workdir,
    env: { ...process.env, GITHUB_API_URL: world.server.url, GITHUB_TOKEN: world.token, TMPDIR: temp },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let ended = false;
  const exited = new Promise<Ended>((resolve) =>
    child.on("close", (code, signal) => {
      ended = true;
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    temp,
    stderr: () => stderr,
    /** Polls `condition` while the command runs; the test's own timeout bounds the wait. */
    async waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
      while (!(await condition())) {
        if (ended) throw new Error(`the command ended before the test could signal it; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    /** Sends `signal` and waits for the exit, failing when the process is still running after the bound. */
    async stop(signal: NodeJS.Signals): Promise<Ended> {
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`still running ${STOP_BOUND_MS} ms after ${signal}; stderr: ${stderr}`));
        }, STOP_BOUND_MS);
      });
      try {
        return await Promise.race([exited, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const emitArgs = (correlationId: string, result: string) => [
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
  "--generated-at",
  "2026-11-21T21:15:00.250Z",
  "--result",
  result,
];

describe("telemetry emit waiting out a long retry-after", () => {
  it.each([
    ["SIGTERM", 143, 429],
    ["SIGINT", 130, 403],
  ] as const)(
    "stops on the first %s with exit %i (answer %i), storing nothing",
    { timeout: 60_000 },
    async (signal, status, answer) => {
      const result = join(workdir, `result-${signal}.json`);
      await writeFile(result, JSON.stringify(aResult()));
      await world.addFaults({ route: CONTENTS_PUT, status: answer, retry_after: 240 });
      const cid = `signal-${signal.toLowerCase()}`;
      const cli = await startCli(emitArgs(cid, result));
      await cli.waitFor(() => cli.stderr().includes("telemetry write waiting 4 min before attempt 2"));

      const ended = await cli.stop(signal);

      expect(ended).toMatchObject({ code: status, signal: null });
      expect(ended.stderr).toMatch(
        new RegExp(
          `^telemetry write waiting 4 min before attempt 2 \\(${answer}, rate-limited; \\d+(?:\\.\\d)? m?s spent, \\d+ min(?: \\d+ s)? left of the 10 min deadline\\)\nstopped by ${signal}\n$`,
        ),
      );
      expect(await readdir(cli.temp)).toEqual([]);
      await world.clearFaults();
      await expect(
        world.github.rest.repos.getContent({
          owner: "acme",
          repo: "telemetry",
          path: `telemetry/v1/repos/acme-widgets/2026-11-21/${cid}/validate.json`,
        }),
      ).rejects.toMatchObject({ status: 404 });
    },
  );
});

describe("telemetry list waiting on a slow GitHub", () => {
  it(
    "stops on the first SIGTERM with exit 143 without waiting for the answer",
    { timeout: 60_000 },
    async () => {
      await world.addFaults({ route: "GET /repos/{owner}/{repo}", latency_ms: 30_000, count: 1 });
      const cli = await startCli(["telemetry", "list", "--repo", "acme/telemetry"]);
      await cli.waitFor(async () => (await faultHits()) >= 1);

      const ended = await cli.stop("SIGTERM");

      expect(ended).toMatchObject({ code: 143, signal: null, stdout: "" });
      expect(ended.stderr).toBe("stopped by SIGTERM\n");
      expect(await readdir(cli.temp)).toEqual([]);
    },
  );
});

async function faultHits(): Promise<number> {
  const response = await fetch(`${world.server.url}/_emulator/faults`, {
    headers: { authorization: `token ${world.server.adminToken}` },
  });
  const faults = (await response.json()) as Array<{ hits: number }>;
  return faults.reduce((sum, fault) => sum + fault.hits, 0);
}
