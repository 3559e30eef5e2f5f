import { execFile } from "node:child_process";
import { ExternalError } from "../errors.js";

/** Runs git quietly (no prompts, no system or global config); stdout, or an ExternalError naming the command. */
export function runGit(
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string>>; redact?: readonly string[] } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...args],
      {
        cwd: options.cwd,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          GIT_TERMINAL_PROMPT: "0",
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_CONFIG_GLOBAL: "/dev/null",
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        let shown = `git ${args.join(" ")}: ${stderr.trim() || error.message}`;
        for (const secret of options.redact ?? []) if (secret !== "") shown = shown.split(secret).join("***");
        reject(new ExternalError(shown, { cause: error }));
      },
    );
  });
}
