/**
 * Registry benchmark (`npm run bench:registry`). Everything is measured side by side in this run
 * and reported as ratios:
 *
 * 1. validating a generated registry of 2,000 orgs × 10 repos vs a bare `JSON.parse` of the same
 *    text (target ≤ 5×);
 * 2. resolution lookups per second after load (target ≥ 1,000,000/s);
 * 3. `task-assistant infra resolve O/R` as a fresh process (`node dist/cli/bin.js`) vs `node -e 0`
 *    (target ≤ 3×), with a typical registry and with the generated one.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { readRegistry } from "../src/registry/registry-snapshot.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../src/registry/registry-types.js";
import { validateRegistryText } from "../src/registry/validate-registry.js";
import { canonicalJson } from "../src/util/canonical-json.js";
import { gitBlobSha } from "../src/util/git-blob-sha.js";
import { aLargeRegistry, aRegistry } from "../test/infra/support/registry-builders.js";

const ORGS = 2_000;
const REPOS = 10;
const ROUNDS = 15;
const PROCESS_RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(58)} ${value}\n`);
}

function benchValidation(text: string): number {
  // Warm both paths up, then alternate them so both see the same machine state.
  for (let index = 0; index < 3; index++) {
    JSON.parse(text);
    validateRegistryText(text);
  }
  const parse: number[] = [];
  const validate: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(time(() => JSON.parse(text)));
    const result = { valid: false };
    validate.push(time(() => (result.valid = validateRegistryText(text).valid)));
    if (!result.valid) throw new Error("the generated registry should be valid");
  }
  const ratio = median(validate) / median(parse);
  line(
    `JSON.parse of ${(text.length / 1e6).toFixed(1)} MB (median of ${ROUNDS})`,
    `${median(parse).toFixed(1)} ms`,
  );
  line("validateRegistryText of the same text", `${median(validate).toFixed(1)} ms`);
  line("validation / JSON.parse (target <= 5x)", `${ratio.toFixed(2)}x`);
  return ratio;
}

function benchLookups(text: string): number {
  const snapshot = readRegistry(text, { sha: gitBlobSha(text) });
  const names: string[] = [];
  for (let index = 0; index < 4_096; index++) {
    const org = (index * 7919) % (ORGS + 50);
    const repo = index % (REPOS + 2);
    names.push(`org-${org}/repo-${repo}`);
  }
  const lookups = 2_000_000;
  let eligible = 0;
  for (let index = 0; index < 200_000; index++)
    if (snapshot.resolve(names[index & 4095]).outcome === "ELIGIBLE") eligible++;
  const elapsed = time(() => {
    for (let index = 0; index < lookups; index++) {
      if (snapshot.resolve(names[index & 4095]).outcome === "ELIGIBLE") eligible++;
    }
  });
  const perSecond = lookups / (elapsed / 1000);
  line(`resolve() over ${lookups.toLocaleString("en")} lookups (mixed outcomes)`, `${elapsed.toFixed(0)} ms`);
  line("lookups per second (target >= 1,000,000/s)", `${Math.round(perSecond).toLocaleString("en")}/s`);
  if (eligible === 0) throw new Error("no lookup was eligible");
  return perSecond;
}

async function benchProcess(bin: string, registryText: string, label: string): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), "ta-bench-registry-"));
  try {
    await mkdir(join(root, "infra/changelog"), { recursive: true });
    await writeFile(join(root, REGISTRY_PATH), registryText);
    await writeFile(join(root, CHANGELOG_PATH), "");
    const run = (args: string[]) => {
      const start = performance.now();
      execFileSync(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      return performance.now() - start;
    };
    const resolveArgs = [bin, "infra", "resolve", "org-1/repo-2"];
    const check = execFileSync(process.execPath, resolveArgs, { cwd: root, encoding: "utf8" });
    if (!check.startsWith("ELIGIBLE org-1/repo-2")) throw new Error(`unexpected resolve output: ${check}`);
    run(["-e", "0"]);
    const baseline: number[] = [];
    const resolve: number[] = [];
    for (let index = 0; index < PROCESS_RUNS; index++) {
      baseline.push(run(["-e", "0"]));
      resolve.push(run(resolveArgs));
    }
    const ratio = median(resolve) / median(baseline);
    line(`node -e 0 (median of ${PROCESS_RUNS})`, `${median(baseline).toFixed(1)} ms`);
    line(`task-assistant infra resolve, ${label}`, `${median(resolve).toFixed(1)} ms`);
    line("resolve process / node -e 0 (target <= 3x)", `${ratio.toFixed(2)}x`);
    return ratio;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const text = canonicalJson(aLargeRegistry(ORGS, REPOS));
  line(
    "registry",
    `${ORGS.toLocaleString("en")} orgs x ${REPOS} repos, ${text.length.toLocaleString("en")} bytes`,
  );
  const validation = benchValidation(text);
  const lookups = benchLookups(text);

  const bin = fileURLToPath(new URL("../dist/cli/bin.js", import.meta.url));
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);
  const typical = aRegistry();
  typical.orgs["org-1"] = {
    telemetry_repo: "org-1/telemetry",
    repos: aLargeRegistry(2, 10).orgs["org-1"].repos,
  };
  const small = await benchProcess(bin, canonicalJson(typical), "typical registry (3 repos + 10)");
  const large = await benchProcess(bin, text, `${ORGS} x ${REPOS} registry`);

  process.stdout.write(
    `\nsummary: validation ${validation.toFixed(2)}x JSON.parse (<= 5x) · ${Math.round(lookups).toLocaleString("en")} lookups/s (>= 1,000,000/s) · ` +
      `resolve process ${small.toFixed(2)}x node -e 0 typical, ${large.toFixed(2)}x with ${ORGS * REPOS} repos (<= 3x)\n`,
  );
}

await main();
