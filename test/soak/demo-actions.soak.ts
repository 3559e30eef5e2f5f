import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The whole `demo --actions` (every host, about 90 s on 2 cores; the suite checks one host in
 * test/demo/demo-actions.test.ts): 15 runs through the workflow files, and the same issues and
 * dashboards as the demo without the flag.
 */

const exec = promisify(execFile);
const BIN = resolve("dist/cli/bin.js");
let dir: string | undefined;

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function demo(base: string, name: string, flags: string[]) {
  const started = Date.now();
  const { stdout } = await exec(
    process.execPath,
    [BIN, "demo", "--exit", "--state-dir", join(base, name), ...flags],
    {
      cwd: base,
      env: { ...process.env, TASK_ASSISTANT_HOME: join(base, `home-${name}`), GITHUB_API_URL: "" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  console.log(`demo ${flags.join(" ") || "(no flag)"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return stdout;
}

describe("demo --actions, every host", () => {
  it("runs all 15 events through the workflows and ends as the demo without the flag", async () => {
    dir = await mkdtemp(join(tmpdir(), "ta-demo-actions-soak-"));
    const actions = await demo(dir, "actions", ["--actions"]);
    const plain = await demo(dir, "plain", []);
    const runs = actions.match(/^ {5}run 8\d{6} of .* on the Actions runner$/gm) ?? [];
    expect(runs).toHaveLength(15);
    expect(actions.match(/^ {5}run success in \d+\.\d s$/gm)).toHaveLength(15);
    expect(actions).not.toContain("task-assistant dispatch plan");
    const account = (text: string) =>
      text
        .split("\n")
        .filter((line) =>
          /^ {3}[a-z]+\/[a-z-]+#\d+ |^ {5}(labels|milestone|warnings) |^ {7}[a-z]+\/[a-z-]+ +\w+ +\d+ runs/.test(
            line,
          ),
        );
    expect(account(actions).length).toBeGreaterThan(20);
    expect(account(actions)).toEqual(account(plain));
  });
});
