import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { reportError } from "../report-error.js";
import { captureIO } from "../test-io.js";

const VALID = `schema_version: "1.0"
tracks: [{ id: sprint, label: track/sprint }]
labels: [{ name: phase-1, color: "0E8A16" }]
milestones: [{ title: "Phase 1" }]
`;
const INVALID = `schema_version: "1.0"
tracks: []
labels: [{ name: phase-1, color: "#0E8A16" }]
milestones: []
unknownKey: true
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ta-config-validate-"));
  await mkdir(join(dir, ".github"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process the way bin.ts does: typed errors become their exit code and stderr text. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const cap = captureIO({ cwd: dir, env });
  const code = await main(args, cap.io).catch((error: unknown) => reportError(error, cap.io));
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

describe("task-assistant config validate", () => {
  it("checks .github/task-assistant.yml by default and exits 0 when it is valid", async () => {
    await writeFile(join(dir, ".github/task-assistant.yml"), VALID);
    const result = await cli(["config", "validate"]);
    expect(result).toEqual({
      code: 0,
      stdout: ".github/task-assistant.yml: valid (1 track, 1 label, 1 milestone, no enforcement)\n",
      stderr: "",
    });
  });

  it("exits 2 listing every problem as file:line:col, pointer, message and fix", async () => {
    await writeFile(join(dir, "config.yml"), INVALID);
    const result = await cli(["config", "validate", "config.yml"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        "error: config.yml is not a valid Task Assistant config (2 problems)",
        `  config.yml:3:34 /labels/0/color: color "#0E8A16" must be six hex digits without '#'; GitHub stores colours without it (write color: "0E8A16")`,
        '  config.yml:5:1 /unknownKey: unknown key "unknownKey" in the configuration (remove it; allowed keys: schema_version, tracks, labels, milestones, enforcement)',
        "hint: fix each problem at the position shown; the schema in schemas/task-assistant.config.v1.schema.json lets editors check as you type",
        "",
      ].join("\n"),
    );
  });

  it("prints the problems as JSON with --json, still exiting 2", async () => {
    await writeFile(join(dir, "config.yml"), INVALID);
    const result = await cli(["config", "validate", "config.yml", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: false,
      file: "config.yml",
      errors: [
        expect.objectContaining({ path: "/labels/0/color", line: 3, col: 34, file: "config.yml" }),
        expect.objectContaining({ path: "/unknownKey", line: 5, col: 1, file: "config.yml" }),
      ],
    });
  });

  it("prints ok JSON for a valid file", async () => {
    await writeFile(join(dir, "config.yml"), VALID);
    const result = await cli(["config", "validate", "config.yml", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, file: "config.yml", errors: [] });
  });

  it("inside GitHub Actions, annotates the file and appends a table to the job summary", async () => {
    await writeFile(join(dir, ".github/task-assistant.yml"), INVALID);
    const summary = join(dir, "summary.md");
    await writeFile(summary, "earlier step\n");
    const result = await cli(["config", "validate"], {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("::error"))).toEqual([
      `::error file=.github/task-assistant.yml,line=3,col=34,title=task-assistant config /labels/0/color::color "#0E8A16" must be six hex digits without '#'; GitHub stores colours without it. Fix: write color: "0E8A16"`,
      '::error file=.github/task-assistant.yml,line=5,col=1,title=task-assistant config /unknownKey::unknown key "unknownKey" in the configuration. Fix: remove it; allowed keys: schema_version, tracks, labels, milestones, enforcement',
    ]);
    expect(await readFile(summary, "utf8")).toBe(
      [
        "earlier step",
        "### Task Assistant config: `.github/task-assistant.yml`",
        "",
        "❌ 2 problems.",
        "",
        "| Line | Col | Path | Problem | Fix |",
        "|---:|---:|---|---|---|",
        `| 3 | 34 | \`/labels/0/color\` | color "#0E8A16" must be six hex digits without '#'; GitHub stores colours without it | write color: "0E8A16" |`,
        '| 5 | 1 | `/unknownKey` | unknown key "unknownKey" in the configuration | remove it; allowed keys: schema_version, tracks, labels, milestones, enforcement |',
        "",
        "",
      ].join("\n"),
    );
  });

  it("writes a passing job summary for a valid file in GitHub Actions", async () => {
    await writeFile(join(dir, ".github/task-assistant.yml"), VALID);
    const summary = join(dir, "summary.md");
    const result = await cli(["config", "validate"], {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(result.code).toBe(0);
    expect(await readFile(summary, "utf8")).toBe(
      "### Task Assistant config: `.github/task-assistant.yml`\n\n✅ Valid.\n\n",
    );
  });

  it("refuses a file that does not exist with exit 2 and a hint", async () => {
    const result = await cli(["config", "validate", "nope.yml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: nope.yml does not exist\nhint: pass the config file's path, or run from the repository root (default: .github/task-assistant.yml)\n",
    );
  });

  it("refuses unknown flags and a second file", async () => {
    expect((await cli(["config", "validate", "--strict"])).code).toBe(2);
    expect((await cli(["config", "validate", "a.yml", "b.yml"])).stderr).toMatch(
      /unexpected argument: b\.yml/,
    );
  });
});

describe("task-assistant config validate as a process", () => {
  const bin = new URL("../bin.ts", import.meta.url).pathname;
  // tsx from this checkout, by path: the child runs in a temporary directory.
  const tsx = new URL("../../../node_modules/.bin/tsx", import.meta.url).pathname;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(tsx, [bin, ...args], {
        cwd: dir,
        env: { ...process.env, GITHUB_ACTIONS: "", GITHUB_STEP_SUMMARY: "" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });

  it("exits 0 for a valid file and 2 for an invalid one", async () => {
    await writeFile(join(dir, "good.yml"), VALID);
    await writeFile(join(dir, "bad.yml"), INVALID);
    expect((await run(["config", "validate", "good.yml"])).code).toBe(0);
    const bad = await run(["config", "validate", "bad.yml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bad.yml:5:1 /unknownKey: unknown key");
  });
});
