import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, afterEach, describe, expect, it } from "vitest";
import { TaskAssistantError, ValidationError } from "../../src/errors.js";
import { filesAtCommit } from "../../src/infra/change-files.js";
import { REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { validateRegistryText } from "../../src/registry/validate-registry.js";
import { loadRegistry, type LoadedRegistry } from "../../src/runtime/registry-source.js";
import { startTestGitHub, type TestGitHub } from "../support/local-github.js";
import { aBranchCheckout } from "./support/concurrent-registers.js";
import { gitIn, runCli } from "./support/infra-cli.js";
import { aRegistry, aRepo, registryText } from "./support/registry-builders.js";
import { tempDirs } from "./support/temp-dir.js";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

let github: TestGitHub;
beforeAll(async () => {
  github = await startTestGitHub({
    orgs: [{ login: "ops" }],
    repos: [{ name: "ops/infra", files: { README: "infra\n" } }],
  });
});
afterAll(() => github.stop());

/** What one reader made of the registry: accepted (acme/widgets resolves ELIGIBLE) or refused, and why. */
interface Verdict {
  accepted: boolean;
  detail: string;
}

function snapshotVerdict(loaded: LoadedRegistry): Verdict {
  if (loaded.kind !== "loaded") return { accepted: false, detail: `${loaded.kind}` };
  const resolution = loaded.snapshot.resolve("acme/widgets");
  return {
    accepted: resolution.outcome === "ELIGIBLE",
    detail: `${resolution.outcome} ${(resolution.problems ?? []).map((problem) => `${problem.line}:${problem.col} ${problem.message}`).join("; ")}`,
  };
}

function errorVerdict(error: unknown): Verdict {
  if (!(error instanceof TaskAssistantError)) throw error;
  const problems = error instanceof ValidationError ? error.problems : [];
  return {
    accepted: false,
    detail: `${error.message} ${problems.map((problem) => `${problem.line}:${problem.col} ${problem.message}`).join("; ")}`,
  };
}

let upload = 0;

/** The same registry bytes through every reader of the registry. */
async function everyReader(bytes: Buffer): Promise<Record<string, Verdict>> {
  const root = await aBranchCheckout(() => dirs.make());
  await writeFile(join(root, REGISTRY_PATH), bytes);
  const verdicts: Record<string, Verdict> = {};

  const validate = await runCli(root, ["infra", "validate", "--json"]);
  verdicts["infra validate"] = { accepted: validate.code === 0, detail: validate.stdout };

  const resolve = await runCli(root, ["infra", "resolve", "acme/widgets", "--json"]);
  verdicts["infra resolve"] = { accepted: resolve.code === 0, detail: resolve.stdout };

  verdicts["preflight --registry FILE"] = snapshotVerdict(
    await loadRegistry({ kind: "file", path: join(root, REGISTRY_PATH) }),
  );

  const client = github.client();
  upload++;
  await client.rest.repos.createOrUpdateFileContents({
    owner: "ops",
    repo: "infra",
    path: REGISTRY_PATH,
    message: `registry fixture ${upload}`,
    content: bytes.toString("base64"),
    ...(upload === 1 ? {} : { sha: await currentSha(client) }),
  });
  verdicts["preflight --infra-repo O/R"] = snapshotVerdict(
    await loadRegistry({ kind: "infra-repo", repo: "ops/infra", github: client }),
  );

  await gitIn(root, "add", REGISTRY_PATH);
  await gitIn(root, "commit", "--quiet", "-m", "registry fixture");
  try {
    const files = await filesAtCommit(root, "HEAD");
    const validation = validateRegistryText(files.registryText, { file: REGISTRY_PATH });
    verdicts["finalize and merge (committed blob)"] = {
      accepted: validation.valid,
      detail: validation.problems.map((problem) => problem.message).join("; "),
    };
  } catch (error) {
    verdicts["finalize and merge (committed blob)"] = errorVerdict(error);
  }

  const register = await runCli(root, [
    "infra",
    "register",
    "--owner",
    "acme",
    "--repo",
    "newcomer",
    "--context",
    "sandbox",
    "--reason",
    "reader test",
  ]);
  verdicts["infra register (store)"] = { accepted: register.code === 0, detail: register.stderr };
  return verdicts;
}

async function currentSha(client: ReturnType<TestGitHub["client"]>): Promise<string> {
  const { data } = await client.rest.repos.getContent({ owner: "ops", repo: "infra", path: REGISTRY_PATH });
  return (data as { sha: string }).sha;
}

const READERS = [
  "infra validate",
  "infra resolve",
  "preflight --registry FILE",
  "preflight --infra-repo O/R",
  "finalize and merge (committed blob)",
  "infra register (store)",
];

function expectOneMeaning(verdicts: Record<string, Verdict>, accepted: boolean, mention?: string): void {
  expect(Object.keys(verdicts)).toEqual(READERS);
  for (const [reader, verdict] of Object.entries(verdicts)) {
    expect({ reader, accepted: verdict.accepted }).toEqual({ reader, accepted });
    if (mention !== undefined)
      expect({ reader, mentions: verdict.detail.includes(mention) }).toEqual({ reader, mentions: true });
  }
}

describe("every reader of the registry gives the same bytes the same meaning", () => {
  const text = registryText();

  it("accepts a canonical registry", async () => {
    expectOneMeaning(await everyReader(Buffer.from(text)), true);
  });

  it("refuses a registry that starts with a byte order mark, at 1:1", async () => {
    const verdicts = await everyReader(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expectOneMeaning(verdicts, false, "byte order mark");
    expect(verdicts["preflight --registry FILE"].detail).toContain(
      "1:1 the file starts with a byte order mark",
    );
  });

  it("refuses invalid UTF-8 at its line and column instead of replacing it", async () => {
    const broken = Buffer.from(text.replace('"test registry"', '"test XX registry"'));
    const at = broken.indexOf("XX");
    broken[at] = 0xff;
    broken[at + 1] = 0x20;
    const verdicts = await everyReader(broken);
    expectOneMeaning(verdicts, false, "not valid UTF-8");
    const before = text.slice(0, text.indexOf('"test registry"') + 6);
    const line = before.split("\n").length;
    const col = before.length - before.lastIndexOf("\n");
    expect(verdicts["preflight --registry FILE"].detail).toContain(
      `${line}:${col} the file is not valid UTF-8`,
    );
  });

  it("accepts a telemetry repo whose owner differs only in case: GitHub names are case-insensitive", async () => {
    const registry = aRegistry();
    registry.orgs.acme.telemetry_repo = "ACME/telemetry";
    expectOneMeaning(await everyReader(Buffer.from(registryText(registry))), true);
  });

  it("refuses a repo name holding a zero-width space beside its look-alike, naming the character", async () => {
    const registry = aRegistry();
    registry.orgs.acme.repos["wid\u200bgets"] = aRepo({ reason: "looks like widgets" });
    expectOneMeaning(await everyReader(Buffer.from(registryText(registry))), false, "U+200B");
  });

  it("refuses a telemetry repo holding a right-to-left override, naming the character", async () => {
    const registry = aRegistry();
    registry.orgs.acme.telemetry_repo = "acme/tele\u202emetry";
    expectOneMeaning(await everyReader(Buffer.from(registryText(registry))), false, "U+202E");
  });
});
