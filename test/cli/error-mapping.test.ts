import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTelemetryWorld, type TelemetryWorld } from "../telemetry/telemetry-world.js";

/**
 * GitHub refusing or not answering is an external failure: the built CLI (`npm run build`) exits 3
 * with one plain `error:` line and a `hint:`, never "internal error" and a stack trace.
 */
const BIN = join(import.meta.dirname, "..", "..", "dist/cli/bin.js");
const RECORD = "telemetry/v1/repos/acme-widgets/2026-11-21/9187-1/validate.json";
const CONTENTS_GET = "GET /repos/{owner}/{repo}/contents/{path}";

let world: TelemetryWorld;
beforeAll(async () => {
  world = await startTelemetryWorld();
});
afterAll(async () => {
  await world.stop();
});
beforeEach(async () => {
  await world.clearFaults();
});

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const show = (repo = "acme/telemetry") => ["telemetry", "show", RECORD, "--repo", repo];

describe("telemetry read commands when GitHub refuses or does not answer", () => {
  it.each([
    [
      "a token GitHub refuses (401)",
      () => ({ env: { GITHUB_TOKEN: "ghp_notavalidtoken" }, args: show() }),
      /^error: GitHub refused the token \(HTTP 401\) for GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/telemetry\/contents\/telemetry\/v1\/repos\/acme-widgets\/2026-11-21\/9187-1\/validate\.json\nhint: set GITHUB_TOKEN/,
    ],
    [
      "a refusal of access (403)",
      async () => {
        await world.addFaults({
          route: CONTENTS_GET,
          status: 403,
          message: "Resource not accessible by integration",
        });
        return { env: {}, args: show() };
      },
      /^error: GitHub refused access \(HTTP 403\) for GET .*\nhint: the token lacks a permission/,
    ],
    [
      "a repository that is not there (404)",
      () => ({ env: {}, args: show("acme/nothing-here") }),
      /^error: no record at telemetry\/v1\/.* in acme\/nothing-here \(HTTP 404\)\nhint: list what is there/,
    ],
    [
      "a server that is not listening",
      async () => ({ env: { GITHUB_API_URL: `http://127.0.0.1:${await closedPort()}` }, args: show() }),
      /^error: GitHub could not be reached \(ECONNREFUSED\): connection refused for GET http:\/\/127\.0\.0\.1:\d+\/repos\/acme\/telemetry\/contents\/.*\nhint: check GITHUB_API_URL/,
    ],
    [
      "telemetry list with a refused token",
      () => ({
        env: { GITHUB_TOKEN: "ghp_notavalidtoken" },
        args: ["telemetry", "list", "--repo", "acme/telemetry"],
      }),
      /^error: GitHub could not read the repository of acme\/telemetry \(HTTP 401\)\nhint: set GITHUB_TOKEN/,
    ],
    [
      "telemetry validate against a server that is not listening",
      async () => ({
        env: { GITHUB_API_URL: `http://127.0.0.1:${await closedPort()}` },
        args: ["telemetry", "validate", "--repo", "acme/telemetry"],
      }),
      /^error: GitHub could not read the repository of acme\/telemetry \(not reached: ECONNREFUSED\)\nhint: check GITHUB_API_URL/,
    ],
  ])("exits 3 with a plain message on %s", { timeout: 30_000 }, async (_name, setUp, expected) => {
    const { env, args } = await setUp();
    const ended = await cli(args, { GITHUB_API_URL: world.server.url, GITHUB_TOKEN: world.token, ...env });

    expect(ended.code).toBe(3);
    expect(ended.stderr).toMatch(expected);
    expect(ended.stderr).not.toContain("internal error");
    expect(ended.stderr).not.toMatch(/^\s+at /m);
    expect(ended.stderr.trimEnd().split("\n")).toHaveLength(2);
  });
});
