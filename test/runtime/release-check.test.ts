import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** A copy of the release-relevant files of this checkout, to break one thing at a time. */
async function aCheckout(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "release-check-"));
  await cp(join(ROOT, ".github", "workflows"), join(dir, ".github", "workflows"), { recursive: true });
  await cp(join(ROOT, "templates", "host"), join(dir, "templates", "host"), { recursive: true });
  await cp(join(ROOT, "package.json"), join(dir, "package.json"));
  return dir;
}

async function edit(dir: string, file: string, change: (text: string) => string) {
  await writeFile(join(dir, file), change(await readFile(join(dir, file), "utf8")));
}

describe("task-assistant release check", () => {
  let dir: string;
  let version: string;

  beforeEach(async () => {
    dir = await aCheckout();
    version = (JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { version: string }).version;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes this project's own release: every engine pinned to v<version>", async () => {
    const result = await runCli(["release", "check", `v${version}`]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(`v${version}: ready — 8 files pin every engine to v${version}\n`);
  });

  it("fails a release whose template pins another ref, naming file:line:col", async () => {
    const result = await runCli(["release", "check", "v9.9.9", "--root", dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("package.json /version: package.json says version");
    expect(result.stdout).toMatch(
      /templates\/host\/task-assistant-dispatch\.yml:\d+:\d+ \/jobs\/preflight\/uses: engine preflight is pinned to v/,
    );
  });

  it("fails a release whose token broker is not plain https, and one that lets the host pass a broker", async () => {
    await edit(dir, "package.json", (text) =>
      text.replace('"tokenBroker": ""', '"tokenBroker": "http://broker.example"'),
    );
    await edit(dir, "templates/host/task-assistant-dispatch.yml", (text) =>
      text.replace(
        /(engine-enforce\.yml@\S+\n(?:.*\n)*? {4}with:\n)/,
        "$1      token_broker_url: https://x.example\n",
      ),
    );
    const result = await runCli(["release", "check", `v${version}`, "--root", dir, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: Array<{ path: string; message: string }> };
    expect(report.problems.map((problem) => problem.path)).toEqual([
      "/taskAssistant/tokenBroker",
      "/jobs/enforce/with/token_broker_url",
      "/jobs/enforce/with/token_broker_url",
    ]);
    expect(report.problems[0].message).toContain("must be https");
  });

  it("fails when one engine_ref drifts from its uses: pin", async () => {
    await edit(dir, "templates/host/task-assistant-dispatch.yml", (text) =>
      text.replace(/(engine-enforce\.yml@\S+\n[\s\S]*?engine_ref: )\S+/, "$1v0.0.1"),
    );
    const result = await runCli(["release", "check", `v${version}`, "--root", dir, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: Array<{ path: string; line: number }> };
    expect(report.problems.map((problem) => problem.path)).toEqual(["/jobs/enforce/with/engine_ref"]);
    expect(report.problems[0].line).toBeGreaterThan(0);
  });

  it("fails when an engine workflow checks out main or gains another trigger", async () => {
    await edit(dir, ".github/workflows/engine-validate.yml", (text) =>
      text
        .replace("ref: ${{ inputs.engine_ref }}", "ref: main")
        .replace("on:\n  workflow_call:", "on:\n  push:\n  workflow_call:"),
    );
    const result = await runCli(["release", "check", `v${version}`, "--root", dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("engine-validate.yml");
    expect(result.stdout).toContain('/on/push: an engine workflow declares the trigger "push"');
    expect(result.stdout).toContain('/with/ref: the checkout must be at the run\'s engine_ref, not "main"');
  });

  it("refuses something that is not a release tag with exit 2", async () => {
    const result = await runCli(["release", "check", "main"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: "main" is not a release tag');
  });
});
