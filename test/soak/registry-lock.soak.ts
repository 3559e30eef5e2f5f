/**
 * Soak for the infra store's lock and journal: rounds of six concurrent `infra register` processes
 * in one checkout, with a planted stale or empty lock in most rounds and random SIGKILLs. After
 * each round the checkout must be usable (`infra validate` exits 0: not wedged), every process
 * that exited 0 must find its repo in the registry (no lost update), and the registry and the
 * changelog must name the same repos. `SOAK_ROUNDS` overrides the number of rounds (default 200).
 */
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  aBranchCheckout,
  BIN,
  plantLock,
  registerConcurrently,
  storeContents,
  type PlantedLock,
} from "../infra/support/concurrent-registers.js";
import { tempDirs } from "../infra/support/temp-dir.js";

const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 200);
const PROCESSES = 6;
const PLANTED: PlantedLock[] = ["none", "stale-legacy", "stale-signed", "empty"];
/** Each process is killed with this probability, at a random moment of its run. */
const KILL_PROBABILITY = 0.3;
const KILL_WITHIN_MS = 2_000;

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

function runBin(cwd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("registry lock soak", () => {
  it(`${ROUNDS} rounds of ${PROCESSES} concurrent registers: no lost update, no wedged checkout`, async () => {
    const figures = {
      rounds: 0,
      processes: 0,
      killed: 0,
      succeeded: 0,
      refused: 0,
      lost: 0,
      inconsistent: 0,
      wedged: 0,
    };
    const failures: string[] = [];
    let root = await aBranchCheckout(() => dirs.make("ta-soak-"));
    for (let round = 0; round < ROUNDS; round++) {
      const planted = PLANTED[round % PLANTED.length];
      await plantLock(root, planted);
      const repos = Array.from({ length: PROCESSES }, (_, index) => `round-${round}-p${index}`);
      const kills = repos.map(() =>
        Math.random() < KILL_PROBABILITY ? Math.floor(Math.random() * KILL_WITHIN_MS) : undefined,
      );
      const outcomes = await registerConcurrently(root, repos, kills);
      figures.rounds++;
      figures.processes += outcomes.length;

      const validate = await runBin(root, ["infra", "validate"]);
      if (validate.code !== 0) {
        figures.wedged++;
        failures.push(
          `round ${round} (${planted}): infra validate exited ${validate.code}: ${validate.stderr}`,
        );
        root = await aBranchCheckout(() => dirs.make("ta-soak-"));
        continue;
      }
      const contents = await storeContents(root);
      const registered = new Set(contents.registered);
      for (const outcome of outcomes) {
        if (outcome.signal === "SIGKILL") figures.killed++;
        else if (outcome.code === 0) {
          figures.succeeded++;
          if (!registered.has(outcome.repo)) {
            figures.lost++;
            failures.push(`round ${round} (${planted}): ${outcome.repo} exited 0 but is not registered`);
          }
        } else {
          figures.refused++;
          failures.push(
            `round ${round} (${planted}): ${outcome.repo} exited ${outcome.code}: ${outcome.stderr}`,
          );
        }
      }
      if (contents.registered.join() !== contents.changelogRepos.join()) {
        figures.inconsistent++;
        failures.push(`round ${round} (${planted}): the registry and the changelog name different repos`);
      }
    }
    // After the last round, one more register leaves no lock, journal, temp or claim behind.
    const last = await runBin(root, [
      "infra",
      "register",
      "--owner",
      "acme",
      "--repo",
      "after-soak",
      "--context",
      "sandbox",
      "--telemetry-repo",
      "telemetry",
      "--reason",
      "soak finished",
    ]);
    const leftovers = (await storeContents(root)).lockFiles;
    console.log(`registry lock soak: ${JSON.stringify(figures)}`);
    expect(failures).toEqual([]);
    expect(last).toEqual({ code: 0, stderr: "" });
    expect(leftovers).toEqual([]);
    expect(figures.rounds).toBe(ROUNDS);
  });
});
