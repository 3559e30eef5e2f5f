import type { CliIO } from "./command.js";

/** An in-memory CliIO for tests: captures output, takes env and cwd as given. */
export function captureIO(
  options: { env?: Record<string, string | undefined>; cwd?: string; signal?: AbortSignal } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    interactive: false,
    signal: options.signal ?? new AbortController().signal,
  };
  return {
    io,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}
