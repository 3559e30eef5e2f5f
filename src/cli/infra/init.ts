import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { infraGitignore, infraReadme } from "../../infra/infra-readme.js";
import { git, runGit } from "../../infra/git.js";
import { initStore } from "../../registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../registry/registry-types.js";
import { systemClock, type Clock } from "../../util/clock.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { pathExists } from "../../util/path-exists.js";

/** `task-assistant infra init [DIR]` */
export async function runWith(args: string[], io: CliIO, clock: Clock): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, "infra init", { max: 1 });
  const dir = resolve(io.cwd, positionals[0] ?? ".");
  await mkdir(dir, { recursive: true });
  await initStore(dir, { now: clock.now(), description: "Task Assistant infra registry" });
  const written = [REGISTRY_PATH, CHANGELOG_PATH];
  for (const [name, content] of [
    ["README.md", infraReadme()],
    [".gitignore", infraGitignore()],
  ] as const) {
    if (await pathExists(join(dir, name))) continue;
    await writeFile(join(dir, name), content);
    written.push(name);
  }
  const inRepo = (await runGit(dir, ["rev-parse", "--is-inside-work-tree"])).code === 0;
  if (!inRepo) await git(dir, ["init", "--quiet", "--initial-branch=main"]);
  io.stdout(
    [
      `initialised an infra repository in ${dir}${inRepo ? "" : " (git init, branch main)"}`,
      ...written.map((file) => `  created ${file}`),
      'next: commit these files on main (git add -A && git commit -m "Start the infra registry"),',
      "      push them, protect main, then make changes with `task-assistant infra branch NAME`",
      "",
    ].join("\n"),
  );
  return 0;
}

export function run(args: string[], io: CliIO): Promise<number> {
  return runWith(args, io, systemClock);
}
