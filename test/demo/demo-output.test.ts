import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The whole demo (`demo --exit`, about 15 s on 2 cores), read as a newcomer reads it: the
 * infra repository is protected by `infra protect`, each enforce run's before/after shows its
 * warnings, and the engine tables name each run's record directory once instead of repeating the
 * 26-character correlation id on every row.
 */

const exec = promisify(execFile);
const BIN = resolve("dist/cli/bin.js");
let dir: string | undefined;

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the demo's output", () => {
  it("shows protection, enforce warnings and short table rows", async () => {
    dir = await mkdtemp(join(tmpdir(), "ta-demo-output-"));
    const { stdout } = await exec(
      process.execPath,
      [BIN, "demo", "--exit", "--state-dir", join(dir, "state")],
      {
        cwd: dir,
        env: { ...process.env, TASK_ASSISTANT_HOME: join(dir, "home"), GITHUB_API_URL: "" },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(stdout).toContain("task-assistant infra protect --approvals 0");
    expect(stdout).toContain("set: apply the rules to administrators");
    expect(stdout).toContain("     warnings  track.exclusive.violation (track/sprint, track/backlog)\n");
    expect(stdout).toMatch(/ {5}warnings {2}\(none\)\n/);

    const rows = stdout
      .split("\n")
      .filter((line) =>
        /^ {5}(preflight|enforce|validate|materialize|self-test|dashboard) +(ok|FAIL) /.test(line),
      );
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row, row).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
    }
    expect(stdout).toMatch(
      / {5}records in telemetry\/v1\/repos\/acme-widgets\/\d{4}-\d\d-\d\d\/[0-9A-Z]{26}\/ of acme\/task-assistant-telemetry\n/,
    );
  });
});
