import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../errors.js";
import { generateNoteKeys } from "../../tlog/signed-note.js";
import { main } from "../main.js";
import { captureIO } from "../test-io.js";
import { readSignerKey, readVerifierKey } from "./checkpoint-key.js";

const KEYS = generateNoteKeys("ops.example/log");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "checkpoint-key-"));
  await writeFile(join(dir, "key.txt"), `${KEYS.signerKey}\n`);
  await writeFile(join(dir, "public.txt"), `${KEYS.verifierKey}\n`);
  await writeFile(join(dir, "garbage.txt"), "PRIVATE+KEY+secret-material-here\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the signing key, configured like the App key", () => {
  it("comes from --key-file, TA_CHECKPOINT_KEY_FILE or TA_CHECKPOINT_KEY", async () => {
    expect((await readSignerKey("key.txt", {}, dir)).text).toBe(KEYS.verifierKey);
    expect((await readSignerKey(undefined, { TA_CHECKPOINT_KEY_FILE: "key.txt" }, dir)).text).toBe(
      KEYS.verifierKey,
    );
    expect((await readSignerKey(undefined, { TA_CHECKPOINT_KEY: KEYS.signerKey }, dir)).text).toBe(
      KEYS.verifierKey,
    );
  });

  it("is refused, never quoted, when missing, doubled or malformed", async () => {
    await expect(readSignerKey(undefined, {}, dir)).rejects.toThrow(/no checkpoint signing key/);
    await expect(
      readSignerKey(undefined, { TA_CHECKPOINT_KEY_FILE: "key.txt", TA_CHECKPOINT_KEY: KEYS.signerKey }, dir),
    ).rejects.toThrow(/both set/);
    await expect(readSignerKey("missing.txt", {}, dir)).rejects.toThrow(
      /cannot read --key-file missing\.txt: ENOENT/,
    );
    const error = await readSignerKey("garbage.txt", {}, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(String((error as Error).message)).not.toContain("secret-material");
  });
});

describe("the public key for verify", () => {
  it("is given inline or as a file", async () => {
    expect((await readVerifierKey(KEYS.verifierKey, dir)).text).toBe(KEYS.verifierKey);
    expect((await readVerifierKey("public.txt", dir)).text).toBe(KEYS.verifierKey);
  });

  it("refuses a private key, a missing one and a mangled one", async () => {
    await expect(readVerifierKey("key.txt", dir)).rejects.toThrow(/holds a private key/);
    await expect(readVerifierKey(undefined, dir)).rejects.toThrow(/--key is required/);
    await expect(
      readVerifierKey(KEYS.verifierKey.replace(/\+[0-9a-f]{8}\+/, "+00000000+"), dir),
    ).rejects.toThrow(/does not belong/);
  });
});

describe("telemetry verify input", () => {
  const verify = (args: string[]) => main(["telemetry", "verify", ...args], captureIO({ cwd: dir }).io);

  it("refuses --repo with --dir, --dir without --origin, and a directory that is not a clone", async () => {
    await expect(verify(["--repo", "a/b", "--dir", ".", "--key", KEYS.verifierKey])).rejects.toThrow(
      /either --repo/,
    );
    await expect(verify(["--dir", ".", "--key", KEYS.verifierKey])).rejects.toThrow(/--dir needs --origin/);
    await expect(verify(["--dir", ".", "--origin", "o", "--key", KEYS.verifierKey])).rejects.toThrow(
      /not a git clone/,
    );
  });

  it("refuses a trusted checkpoint that is not signed by the key", async () => {
    await writeFile(join(dir, "trusted"), "o\n1\nAAAA\n");
    await expect(
      verify(["--dir", ".", "--origin", "o", "--key", KEYS.verifierKey, "--trusted-checkpoint", "trusted"]),
    ).rejects.toThrow(/--trusted-checkpoint trusted: a signed note is text, a blank line/);
  });
});
