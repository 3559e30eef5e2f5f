import { execFile } from "node:child_process";
import { access, chmod, cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { anInfraRepo, gitIn, infraFiles } from "./support/infra-cli.js";
import { tempDirs } from "./support/temp-dir.js";

const exec = promisify(execFile);
const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const scriptsDir = join(repoRoot, "scripts/infra");

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function runScript(
  script: string,
  args: string[],
  options: { cwd: string; path?: string },
): Promise<ScriptRun> {
  try {
    const { stdout, stderr } = await exec(script, args, {
      cwd: options.cwd,
      env: { ...process.env, PATH: options.path ?? process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A copy of scripts/infra inside a package directory whose dist/cli/bin.js is `bin` (or absent). */
async function installedScripts(bin?: string): Promise<string> {
  const pkg = await dirs.make("ta-pkg-");
  await cp(scriptsDir, join(pkg, "scripts/infra"), { recursive: true });
  if (bin !== undefined) {
    await mkdir(join(pkg, "dist/cli"), { recursive: true });
    await writeFile(join(pkg, "dist/cli/bin.js"), bin);
  }
  return join(pkg, "scripts/infra");
}

/** A `task-assistant` on PATH that runs this checkout's CLI from source. */
async function cliOnPath(): Promise<string> {
  const bin = await dirs.make("ta-bin-");
  const loader = import.meta.resolve("tsx");
  await writeFile(
    join(bin, "task-assistant"),
    `#!/usr/bin/env bash\nexec "${process.execPath}" --import "${loader}" "${join(repoRoot, "src/cli/bin.ts")}" "$@"\n`,
  );
  await chmod(join(bin, "task-assistant"), 0o755);
  return `${bin}:${process.env.PATH ?? ""}`;
}

const RECORDING_BIN = `import { writeFileSync } from "node:fs";
writeFileSync(process.env.RECORD_TO ?? "/dev/null", JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));
process.exit(Number(process.env.EXIT_WITH ?? "0"));
`;

describe("scripts/infra wrappers", () => {
  it("pass every argument through untouched, from the caller's directory, and return the CLI's exit code", async () => {
    const scripts = await installedScripts(RECORDING_BIN);
    const cwd = await dirs.make();
    const record = join(cwd, "argv.json");
    const tricky = ["--reason", 'it\'s a "test" with $(rm -rf /) and * and `ls`', "--repo", "a b", ""];
    for (const [script, subcommand] of [
      ["infra.sh", ["register"]],
      ["helpers/new-branch.sh", ["branch"]],
      ["helpers/finalize-registry.sh", ["finalize"]],
      ["helpers/create-pr.sh", ["pr", "create"]],
      ["helpers/merge-pr.sh", ["pr", "merge"]],
      ["helpers/abort.sh", ["abort"]],
    ] as const) {
      const args = script === "infra.sh" ? ["register", ...tricky] : tricky;
      const { code } = await exec(join(scripts, script), args, {
        cwd,
        env: { ...process.env, RECORD_TO: record, EXIT_WITH: "0" },
      }).then(
        () => ({ code: 0 }),
        (error: { code: number }) => ({ code: error.code }),
      );
      expect(code).toBe(0);
      const seen = JSON.parse(await readFile(record, "utf8")) as { argv: string[]; cwd: string };
      expect(seen).toEqual({ argv: ["infra", ...subcommand, ...tricky], cwd });
    }
    const failing = await exec(join(scripts, "infra.sh"), ["validate"], {
      cwd,
      env: { ...process.env, RECORD_TO: record, EXIT_WITH: "2" },
    }).then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    expect(failing).toBe(2);
  });

  it("say how to get the CLI when neither a build nor task-assistant on PATH exists", async () => {
    const scripts = await installedScripts();
    const result = await runScript(join(scripts, "infra.sh"), ["list"], {
      cwd: await dirs.make(),
      path: "/usr/bin:/bin",
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the task-assistant CLI was not found/);
    expect(result.stderr).toMatch(/hint: run `npm run build`/);
  });

  it("run the whole operator flow through task-assistant on PATH", async () => {
    const scripts = await installedScripts();
    const path = await cliOnPath();
    const root = await anInfraRepo(() => dirs.make());
    const run = (script: string, args: string[]) =>
      runScript(join(scripts, script), args, { cwd: root, path });

    expect((await run("helpers/new-branch.sh", ["onboard-acme"])).code).toBe(0);
    const registered = await run("infra.sh", [
      "register",
      "--owner",
      "acme",
      "--repo",
      "widgets",
      "--context",
      "sandbox",
      "--telemetry-repo",
      "telemetry",
      "--reason",
      'Pilot; quoted "reason" with $HOME kept literally',
    ]);
    expect(registered).toMatchObject({ code: 0, stderr: "" });
    expect((await infraFiles(root)).registry.orgs.acme.repos.widgets.reason).toBe(
      'Pilot; quoted "reason" with $HOME kept literally',
    );
    const refused = await run("infra.sh", [
      "enable",
      "--owner",
      "acme",
      "--repo",
      "widgets",
      "--reason",
      "again",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("error: acme/widgets is already enabled");

    expect((await run("helpers/finalize-registry.sh", [])).code).toBe(0);
    expect(await gitIn(root, "diff", "--cached", "--name-only")).toBe(
      "infra/changelog/infra-changelog.jsonl\ninfra/telemetry-registry.v2.json",
    );
    expect((await run("helpers/abort.sh", [])).code).toBe(0);
    expect(await gitIn(root, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect((await infraFiles(root)).registry.orgs).toEqual({});
  });

  it("prefer the build of the checkout they belong to", async () => {
    const bin = join(repoRoot, "dist/cli/bin.js");
    await access(bin).catch(() => {
      throw new Error(`${bin} is missing: run \`npm run build\` before this test`);
    });
    const root = await anInfraRepo(() => dirs.make());
    const result = await runScript(join(scriptsDir, "infra.sh"), ["list", "--json"], {
      cwd: root,
      path: "/usr/bin:/bin",
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ orgs: [] });
  });
});
