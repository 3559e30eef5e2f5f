import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./support/run-cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "release",
  GIT_AUTHOR_EMAIL: "release@example.com",
  GIT_COMMITTER_NAME: "release",
  GIT_COMMITTER_EMAIL: "release@example.com",
};

/**
 * `release prepare` in a git work tree holding this project's sources, then `release check`
 * refusing each inconsistency, one at a time on a copy of the prepared release.
 */
describe("task-assistant release prepare and check", () => {
  let dir: string;
  const git = (...args: string[]) => run("git", args, { cwd: dir, env: ENV });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "release-check-"));
    for (const path of [
      ".github",
      "templates",
      "schemas",
      "src",
      "package.json",
      "package-lock.json",
      "tsconfig.json",
    ])
      await cp(join(ROOT, path), join(dir, path), { recursive: true });
    await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"));
    await git("init", "--quiet", "--initial-branch=main", ".");
    await git(
      "add",
      "--",
      ".github",
      "templates",
      "schemas",
      "src",
      "package.json",
      "package-lock.json",
      "tsconfig.json",
    );
    await git("commit", "--quiet", "-m", "sources");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const check = (...extra: string[]) => runCli(["release", "check", "v3.1.0", "--root", dir, ...extra]);
  async function withEdit(file: string, change: (text: string) => string, body: () => Promise<void>) {
    const before = await readFile(join(dir, file));
    await writeFile(join(dir, file), change(before.toString("utf8")));
    try {
      await body();
    } finally {
      await writeFile(join(dir, file), before);
    }
  }

  it("prepare makes the release commit: version, dispatch.yml refs, a bundle that runs without an install", async () => {
    const result = await runCli(["release", "prepare", "v3.1.0", "--root", dir, "--allow-empty-broker"]);
    expect(result.code, result.stderr).toBe(0);
    const { stdout: files } = await git("show", "--name-only", "--format=%s", "HEAD");
    expect(files.trim().split("\n")).toEqual([
      "Release v3.1.0",
      "",
      ".github/workflows/dispatch.yml",
      "package-lock.json",
      "package.json",
      "release/task-assistant.mjs",
    ]);
    const dispatch = await readFile(join(dir, ".github/workflows/dispatch.yml"), "utf8");
    expect(
      dispatch
        .match(/@v\d+\.\d+\.\d+|engine_ref: v\S+|--engine-ref v\S+/g)
        ?.every((ref) => ref.endsWith("v3.1.0")),
    ).toBe(true);
    const { stdout } = await run(process.execPath, [join(dir, "release/task-assistant.mjs"), "--version"]);
    expect(stdout.trim()).toBe("task-assistant 3.1.0");
    expect(await check("--allow-empty-broker")).toMatchObject({ code: 0 });
  });

  it("refuses a real release whose package.json names no token broker", async () => {
    const result = await check();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "package.json /taskAssistant/tokenBroker: the release names no token broker",
    );
  });

  it("refuses refs that disagree, naming file:line:col", async () => {
    await withEdit(
      ".github/workflows/dispatch.yml",
      (text) => text.replace("engine-enforce.yml@v3.1.0", "engine-enforce.yml@v3.0.0"),
      async () => {
        const result = await check("--allow-empty-broker", "--json");
        expect(result.code).toBe(2);
        const problems = (
          JSON.parse(result.stdout) as { problems: Array<{ file: string; line: number; message: string }> }
        ).problems;
        expect(problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
          expect.stringMatching(
            /^\.github\/workflows\/dispatch\.yml:\d+ engine enforce is pinned to v3\.0\.0, not to v3\.1\.0 like the rest$/,
          ),
          expect.stringMatching(
            /^\.github\/workflows\/dispatch\.yml:\d+ engine enforce is passed engine_ref "v3\.1\.0", but runs the code at v3\.0\.0$/,
          ),
        ]);
      },
    );
  });

  it("refuses a stale bundle: the sources build another one", async () => {
    await withEdit(
      "src/cli/main.ts",
      (text) =>
        text.replace(
          'const VERSION_TEXT = "task-assistant";',
          'const VERSION_TEXT = "task-assistant (changed)";',
        ),
      async () => {
        const result = await check("--allow-empty-broker");
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          "release/task-assistant.mjs:1:1 (document): release/task-assistant.mjs is stale",
        );
      },
    );
  });

  it("refuses a bundle whose --version is not the tag", async () => {
    const result = await runCli(["release", "check", "v3.1.1", "--root", dir, "--allow-empty-broker"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("release/task-assistant.mjs --version says 3.1.0, not 3.1.1");
  });

  it("refuses a host template that names an engine version", async () => {
    await withEdit(
      "templates/host/task-assistant-dispatch.yml",
      (text) => text.replace("dispatch.yml@v1", "engine-enforce.yml@v3.1.0"),
      async () => {
        const result = await check("--allow-empty-broker");
        expect(result.code).toBe(2);
        expect(result.stderr).toContain("templates/host/task-assistant-dispatch.yml");
        expect(result.stderr).toContain("the host names an engine version");
      },
    );
  });

  it("refuses something that is not a release tag with exit 2, touching nothing", async () => {
    const result = await runCli(["release", "prepare", "main", "--root", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"main" is not a release tag');
    expect((await git("status", "--porcelain", "--untracked-files=no")).stdout).toBe("");
  });
});
