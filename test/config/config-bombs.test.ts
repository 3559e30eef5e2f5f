import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_CONFIGS } from "./support/hostile-configs.js";

const BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ta-config-bombs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, GITHUB_ACTIONS: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("hostile configs through `task-assistant config validate` (npm run build first)", () => {
  it.each(HOSTILE_CONFIGS.map((config) => [config.name, config] as const))(
    "refuses %s with exit 2, naming the limit and where it was reached",
    async (_name, config) => {
      const file = join(dir, "task-assistant.yml");
      await writeFile(file, config.text());
      const result = await runCli(["config", "validate", file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: .* is not a valid Task Assistant config \(1 problem\)\n/);
      expect(result.stderr).toMatch(config.expect);
      expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+ `));
      expect(result.stderr).not.toMatch(/Maximum call stack|internal error/);
    },
  );

  it("names the first alias over the limit with its line:col", async () => {
    const config = HOSTILE_CONFIGS.find((c) => c.name === "10,000 aliases")!;
    await writeFile(join(dir, "aliases.yml"), config.text());
    const result = await runCli(["config", "validate", "aliases.yml", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      file: "aliases.yml",
      errors: [
        expect.objectContaining({
          file: "aliases.yml",
          line: 1006,
          col: 5,
          message: "too many aliases: *label is alias number 1,001, and a config may use at most 1,000",
        }),
      ],
    });
  });
});
