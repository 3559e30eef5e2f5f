import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { reportError } from "../../src/cli/report-error.js";
import { captureIO } from "../../src/cli/test-io.js";

/**
 * Argument mistakes are answered in the CLI's own words (exit 2): the flag or command named, the
 * nearest valid one suggested, the missing required flags before anything else is looked at.
 */
let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "ta-args-"));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}) {
  // An empty TASK_ASSISTANT_HOME: no running local GitHub is found, whatever runs on this machine.
  const cap = captureIO({ env: { TASK_ASSISTANT_HOME: home, ...env }, cwd: home });
  let code: number;
  try {
    code = await main(args, cap.io);
  } catch (error) {
    code = reportError(error, cap.io);
  }
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe("argument mistakes", () => {
  it("suggests the nearest flag and never shows Node's parseArgs wording", async () => {
    const result = await cli(["dispatch", "--evnt", "issues"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown option --evnt \(did you mean --event\?\)\n/);
    expect(result.stderr).not.toMatch(/positional|Unknown option|'--'/);
  });

  it("names a flag that lacks its value, and a switch given one", async () => {
    const missing = await cli(["dispatch", "--repo"]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      expect.stringMatching(/^error: --repo needs a value\n/),
    ]);
    const ambiguous = await cli(["telemetry", "list", "--repo", "--json"]);
    expect(ambiguous.stderr).toMatch(/^error: --repo needs a value \(got --json;/);
    const switchValue = await cli(["telemetry", "list", "--json=yes"]);
    expect(switchValue.stderr).toMatch(/^error: --json is a switch and takes no value\n/);
    for (const result of [missing, ambiguous, switchValue])
      expect(result.stderr).not.toMatch(/argument missing|ambiguous/);
  });

  it("suggests the nearest command and subcommand", async () => {
    const group = await cli(["dispach"]);
    expect([group.code, group.stderr]).toEqual([
      2,
      expect.stringMatching(/unknown command "dispach" \(did you mean "dispatch"\?\)/),
    ]);
    const sub = await cli(["infra", "regster", "acme/widgets"]);
    expect([sub.code, sub.stderr]).toEqual([
      2,
      expect.stringMatching(/unknown command "infra regster" \(did you mean "infra register"\?\)/),
    ]);
    const twoWords = await cli(["infra", "pr", "merj"]);
    expect(twoWords.stderr).toMatch(/did you mean "infra pr merge"\?/);
  });

  it("asks for every missing required flag of dispatch before looking for a registry", async () => {
    const result = await cli(["dispatch", "--event", "issues"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --payload, --repo are required\n/);
    expect(result.stderr).not.toMatch(/registry/);
  });

  it("calls --mode validat a typo of validate", async () => {
    const payload = join(home, "dispatch.json");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(payload, "{}\n");
    const result = await cli([
      "dispatch",
      "plan",
      "--event",
      "workflow_dispatch",
      "--payload",
      payload,
      "--repo",
      "acme/widgets",
      "--mode",
      "validat",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"validat" is not a mode \(did you mean "validate"\?\)/);
    expect(result.stderr).not.toMatch(/cannot be dispatched by hand/);
  });
});

describe("help texts match the flags", () => {
  it("dashboard serve and fanout do not document a --strict they lack", async () => {
    for (const command of ["serve", "fanout"]) {
      const help = await cli(["dashboard", command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).not.toMatch(/--strict/);
      const used = await cli(["dashboard", command, "--strict"]);
      expect(used.stderr).toMatch(/^error: unknown option --strict/);
    }
    expect((await cli(["dashboard", "build", "--help"])).stdout).toMatch(/--strict/);
  });

  it("telemetry list asks only for a token that can read", async () => {
    const { createServer } = await import("node:http");
    const server = createServer((_request, response) => response.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      // GITHUB_API_URL set, no token anywhere: the refusal names the access the command needs.
      const address = server.address() as { port: number };
      const result = await cli(["telemetry", "list", "--repo", "acme/telemetry"], {
        GITHUB_API_URL: `http://127.0.0.1:${address.port}`,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/can read the telemetry repository's contents/);
      expect(result.stderr).not.toMatch(/write/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("GITHUB_API_URL", () => {
  it("is refused input (exit 2) when it is not an http(s) URL", async () => {
    const result = await cli(["telemetry", "list", "--repo", "acme/telemetry"], {
      GITHUB_API_URL: "htp//127.0.0.1:3000",
      GITHUB_TOKEN: "t",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: GITHUB_API_URL "htp\/\/127.0.0.1:3000" is not an http\(s\) URL\n/);
  });
});
