/**
 * Hostile host configs benchmark (`npm run bench:config`, after `npm run build`). Runs
 * `task-assistant config validate` as a fresh process on each case of the hostile corpus and
 * prints its exit code, wall time and peak RSS (from /usr/bin/time when present, else the
XX. Target: exit 2
 * within 2 s and 200 MB for every case. A `node -e 0` line gives the process floor to compare.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HOSTILE_CONFIGS } from "../test/config/support/hostile-configs.js";

const BIN = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
const TIME = "/usr/bin/time";

function measure(args: string[]): { code: number | null; seconds: number; mb: string } {
  const useTime = existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ["-f", "%M", process.execPath, ...args] : args;
  const start = performance.now();
  const result = spawnSync(command, argv, { encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "" } });
  const seconds = (performance.now() - start) / 1000;
  const kb = useTime ? Number(result.stderr.trim().split("\n").at(-1)) : NaN;
  return { code: result.status, seconds, mb: Number.isFinite(kb) ? (kb / 1024).toFixed(0) : "n/a" };
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error("run `npm run build` first: dist/cli/bin.js is missing");
  const dir = await mkdtemp(join(tmpdir(), "ta-bench-config-"));
  try {
    const floor = measure(["-e", "0"]);
    process.stdout.write(`${"case".padEnd(28)} ${"bytes".padStart(12)}  exit  seconds  peak MB\n`);
    process.stdout.write(
      `${"node -e 0".padEnd(28)} ${"".padStart(12)}  ${String(floor.code).padStart(4)}  ${floor.seconds.toFixed(2).padStart(7)}  ${floor.mb.padStart(7)}\n`,
    );
    for (const config of HOSTILE_CONFIGS) {
      const file = join(dir, "task-assistant.yml");
      const text = config.text();
      await writeFile(file, text);
      const run = measure([BIN, "config", "validate", file]);
      const ok = run.code === 2 && run.seconds <= 2 && (run.mb === "n/a" || Number(run.mb) <= 200);
      process.stdout.write(
        `${config.name.padEnd(28)} ${String(Buffer.byteLength(text)).padStart(12)}  ${String(run.code).padStart(4)}  ${run.seconds.toFixed(2).padStart(7)}  ${run.mb.padStart(7)}  ${ok ? "within target" : "OVER TARGET"}\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
