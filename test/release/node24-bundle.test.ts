import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_FILE, bundleRelease } from "../../src/release/bundle-release.js";
import type { TestGitHub } from "../support/local-github.js";
import { parseRecord, recordsOf, startWorld, TOKENS } from "../runtime/support/runtime-world.js";
import { node24 } from "./support/node24.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
/** Where the fetched Node.js 24 is kept between runs (gitignored). */
const CACHE = join(ROOT, ".cache", "node24");

/**
 * The bundled release runs on Node.js 24 as on 20 (GitHub's runners moved to 24): the bundle this
 * checkout's `release prepare` would commit, run by a Node 24 fetched from the npm registry, answers
 * `--version` and runs an engine against the local GitHub, writing its record. If Node 24 cannot be
 * had, this fails.
 */
describe("the release bundle on Node.js 24", () => {
  let github: TestGitHub;
  let dir: string;
  let node: { path: string; version: string };
  let bundle: string;
  let version: string;

  beforeAll(async () => {
    node = await node24(CACHE);
    github = await startWorld();
    dir = await mkdtemp(join(tmpdir(), "node24-bundle-"));
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    version = manifest.version;
    // The release checkout's layout: release/task-assistant.mjs beside schemas/.
    bundle = join(dir, BUNDLE_FILE);
    await mkdir(join(dir, "release"), { recursive: true });
    await writeFile(bundle, await bundleRelease(ROOT, manifest));
    await symlink(join(ROOT, "schemas"), join(dir, "schemas"));
  }, 300_000);
  afterAll(async () => {
    await github?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("answers --version with the release's version", async () => {
    expect(node.version).toMatch(/^v24\./);
    const { stdout } = await run(node.path, [bundle, "--version"], { cwd: dir });
    expect(stdout.trim()).toContain(version);
  });

  it("runs validate against the local GitHub and writes its record", async () => {
    const output = join(dir, "validate.output");
    await writeFile(output, "");
    const { stdout } = await run(
      node.path,
      [
        bundle,
        "engine",
        "run",
        "validate",
        "--target-repo",
        "acme/widgets",
        "--telemetry-repo",
        "acme/telemetry",
        "--correlation-id",
        "2424-1",
        "--engine-ref",
        `v${version}`,
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: dir,
          GITHUB_API_URL: github.url,
          GITHUB_TOKEN: TOKENS.operator,
          GITHUB_ACTIONS: "true",
          GITHUB_RUN_ID: "2424",
          GITHUB_RUN_ATTEMPT: "1",
          GITHUB_JOB: "validate",
          GITHUB_OUTPUT: output,
        },
      },
    );
    expect(stdout).toContain("validate");
    expect(await readFile(output, "utf8")).toBe("ok=true\n");
    const day = new Date().toISOString().slice(0, 10);
    const records = await recordsOf(github, "acme/telemetry", `telemetry/v1/repos/acme-widgets/${day}/2424-1`);
    expect(parseRecord(records.get("validate.json")!)).toMatchObject({
      ok: true,
      engine_name: "validate",
      engine_ref: `v${version}`,
    });
  });
});
