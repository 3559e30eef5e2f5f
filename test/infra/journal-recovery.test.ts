import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { journalTempPath, tempPathFor } from "../../src/registry/atomic-file-set.js";
import { JOURNAL_PATH } from "../../src/registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../src/registry/registry-types.js";
import { gitBlobSha } from "../../src/util/git-blob-sha.js";
import { aBranchCheckout } from "./support/concurrent-registers.js";
import { runCli } from "./support/infra-cli.js";
import { aRegistry, registryText } from "./support/registry-builders.js";
import { tempDirs } from "./support/temp-dir.js";

const exec = promisify(execFile);
const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const ELSEWHERE = gitBlobSha("content that exists nowhere");

async function files(root: string) {
  return {
    registry: await readFile(join(root, REGISTRY_PATH), "utf8"),
    changelog: await readFile(join(root, CHANGELOG_PATH), "utf8"),
  };
}

async function plantJournal(root: string, entries: Record<string, unknown>[]): Promise<void> {
  await writeFile(join(root, JOURNAL_PATH), `${JSON.stringify({ version: 1, files: entries })}\n`);
}

const entry = (target: string, sha: string, before?: string | null) => ({
  target,
  temp: tempPathFor(target),
  sha,
  ...(before === undefined ? {} : { before }),
});

/** The command a refusal's hint says to run (the one quoted in backticks after "drop the journal"). */
function commandIn(stderr: string): string {
  const match = /drop the journal, from the checkout's root: `([^`]+)`/.exec(stderr);
  if (match === null) throw new Error(`no command in: ${stderr}`);
  return match[1];
}

async function registerWorks(root: string): Promise<void> {
  const register = await runCli(root, [
    "infra",
    "register",
    "--owner",
    "acme",
    "--repo",
    "after-recovery",
    "--context",
    "sandbox",
    "--telemetry-repo",
    "telemetry",
    "--reason",
    "checkout usable again",
  ]);
  expect(register.stderr).toBe("");
  expect(register.code).toBe(0);
  expect((await runCli(root, ["infra", "validate"])).code).toBe(0);
}

describe("a journal that can no longer be rolled forward", () => {
  it("is rolled back when it names files neither staged nor installed and nothing was replaced (journal of an older build)", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const before = await files(root);
    await plantJournal(root, [entry(REGISTRY_PATH, ELSEWHERE), entry(CHANGELOG_PATH, ELSEWHERE)]);
    const validate = await runCli(root, ["infra", "validate"]);
    expect(validate.stderr).toBe("");
    expect(validate.code).toBe(0);
    expect(await files(root)).toEqual(before);
    await registerWorks(root);
  });

  it("is rolled back when one file is staged but the other's staged copy is gone, discarding the staged one", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const before = await files(root);
    const staged = registryText(aRegistry());
    await writeFile(join(root, tempPathFor(REGISTRY_PATH)), staged);
    await plantJournal(root, [
      entry(REGISTRY_PATH, gitBlobSha(staged), gitBlobSha(before.registry)),
      entry(CHANGELOG_PATH, ELSEWHERE, gitBlobSha(before.changelog)),
    ]);
    const resolve = await runCli(root, ["infra", "resolve", "acme/widgets"]);
    expect(resolve.code).toBe(1);
    expect(resolve.stdout).toContain("ORG_UNREGISTERED");
    expect(await files(root)).toEqual(before);
    expect(await runCli(root, ["infra", "validate"])).toMatchObject({ code: 0 });
    await registerWorks(root);
  });

  it("stops with the exact commands to run when one file was replaced and the other changed since, and those commands repair it", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const before = await files(root);
    const replaced = registryText(aRegistry());
    await writeFile(join(root, REGISTRY_PATH), replaced);
    await plantJournal(root, [
      entry(REGISTRY_PATH, gitBlobSha(replaced), gitBlobSha(before.registry)),
      entry(CHANGELOG_PATH, ELSEWHERE, gitBlobSha(before.changelog)),
    ]);
    const register = await runCli(root, [
      "infra",
      "register",
      "--owner",
      "acme",
      "--repo",
      "x",
      "--context",
      "sandbox",
      "--reason",
      "r",
    ]);
    expect(register.code).toBe(2);
    expect(register.stderr).toContain(
      `the interrupted write cannot be completed or undone: ${REGISTRY_PATH} was already replaced, but ${CHANGELOG_PATH} is neither staged nor in the written state`,
    );
    const validate = await runCli(root, ["infra", "validate"]);
    expect(validate.code).toBe(2);
    expect(commandIn(validate.stderr)).toBe(
      `git checkout HEAD -- ${REGISTRY_PATH} ${CHANGELOG_PATH} && rm -f ${JOURNAL_PATH} ${journalTempPath(JOURNAL_PATH)} ${tempPathFor(REGISTRY_PATH)} ${tempPathFor(CHANGELOG_PATH)}`,
    );
    expect(await readFile(join(root, REGISTRY_PATH), "utf8")).toBe(replaced);

    await exec("sh", ["-c", commandIn(validate.stderr)], { cwd: root });
    expect(await files(root)).toEqual(before);
    await registerWorks(root);
  });

  it("stops with the exact commands to run when the journal itself is unreadable, and those commands repair it", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    await writeFile(join(root, JOURNAL_PATH), '{"version": 1, "files": [');
    const validate = await runCli(root, ["infra", "validate"]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`${JOURNAL_PATH} cannot be read as a journal`);
    await exec("sh", ["-c", commandIn(validate.stderr)], { cwd: root });
    await registerWorks(root);
  });
});
