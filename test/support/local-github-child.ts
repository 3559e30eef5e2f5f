/**
 * A local GitHub in a process of its own, for tests that kill it: `node --import <tsx loader>
 * test/support/local-github-child.ts <state dir> [seed file] [compact bytes]`. Prints one JSON line
 * `{ url, adminToken }` once it serves, then serves until killed.
 */
import { readFile } from "node:fs/promises";
import { startLocalGitHub } from "../../src/emulator/start-local-github.js";

const [stateDir, seedFile, compactBytes] = process.argv.slice(2);
const github = await startLocalGitHub({
  stateDir,
  seed: seedFile ? await readFile(seedFile, "utf8") : undefined,
  compactBytes: compactBytes ? Number(compactBytes) : undefined,
});
process.stdout.write(`${JSON.stringify({ url: github.url, adminToken: github.adminToken })}\n`);
process.on("SIGTERM", () => void github.stop().then(() => process.exit(0)));
