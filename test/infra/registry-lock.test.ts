import { readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PolicyError } from "../../src/errors.js";
import { planRegister } from "../../src/registry/plan-register.js";
import { isStorePrivatePath, mutateRegistry } from "../../src/registry/registry-store.js";
import type { RegistryV2 } from "../../src/registry/registry-types.js";
import {
  aBranchCheckout,
  aDeadPid,
  LOCK_FILE,
  plantLock,
  registerConcurrently,
  storeContents,
  type PlantedLock,
} from "./support/concurrent-registers.js";
import { tempDirs } from "./support/temp-dir.js";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const SIX = ["r1", "r2", "r3", "r4", "r5", "r6"];
const STALE_TOKEN = "0123456789abcdef0123456789abcdef";

const register = (repo: string) => (registry: RegistryV2) =>
  planRegister(
    registry,
    { owner: "acme", repo, context: "sandbox", telemetryRepo: "telemetry", reason: "lock test" },
    new Date("2026-12-01T00:00:00Z"),
  );

const signature = (pid: number, token = STALE_TOKEN) =>
  `${JSON.stringify({ host: hostname(), pid, token })}\n`;

describe("six concurrent `infra register` processes", () => {
  for (const planted of ["none", "stale-legacy", "stale-signed", "empty"] as PlantedLock[]) {
    it(`all succeed and all six land in both files (planted lock: ${planted})`, async () => {
      const root = await aBranchCheckout(() => dirs.make());
      await plantLock(root, planted);
      const outcomes = await registerConcurrently(root, SIX);
      expect(outcomes.map((outcome) => [outcome.repo, outcome.code, outcome.stderr])).toEqual(
        SIX.map((repo) => [repo, 0, ""]),
      );
      const contents = await storeContents(root);
      expect(contents.registered).toEqual(SIX);
      expect(contents.changelogRepos).toEqual(SIX);
      expect(contents.lockFiles).toEqual([]);
    });
  }
});

describe("the store lock", () => {
  it("waits for a live holder and then refuses, leaving its lock in place", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    await writeFile(join(root, LOCK_FILE), signature(process.pid));
    const refused = mutateRegistry(root, register("waiting"), { lock: { waitMs: 100 } });
    await expect(refused).rejects.toThrow(PolicyError);
    await expect(refused).rejects.toThrow(
      `another infra command (pid ${process.pid}) is changing the registry in this checkout`,
    );
    expect(await readFile(join(root, LOCK_FILE), "utf8")).toBe(signature(process.pid));
  });

  it("treats a just-created empty lock as held, and one older than the grace period as stale", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    await writeFile(join(root, LOCK_FILE), "");
    await expect(mutateRegistry(root, register("young"), { lock: { waitMs: 50 } })).rejects.toThrow(
      "another infra command (an unsigned lock) is changing the registry",
    );
    const applied = await mutateRegistry(root, register("old"), {
      lock: { waitMs: 50, now: () => Date.now() + 10_000 },
    });
    expect(applied.summary).toContain("registered acme/old");
    expect((await storeContents(root)).lockFiles).toEqual([]);
  });

  it("does not remove a stale lock while a live process holds the takeover claim for it", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const dead = await aDeadPid();
    await writeFile(join(root, LOCK_FILE), signature(dead));
    await writeFile(
      join(root, `${LOCK_FILE}.takeover-${STALE_TOKEN}`),
      signature(process.pid, "f".repeat(32)),
    );
    await expect(mutateRegistry(root, register("blocked"), { lock: { waitMs: 100 } })).rejects.toThrow(
      `another infra command (pid ${dead})`,
    );
    expect(await readFile(join(root, LOCK_FILE), "utf8")).toBe(signature(dead));
  });

  it("takes over a claim left by a taker that died, then the stale lock, and sweeps both", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const dead = await aDeadPid();
    await writeFile(join(root, LOCK_FILE), signature(dead));
    await writeFile(join(root, `${LOCK_FILE}.takeover-${STALE_TOKEN}`), signature(dead, "e".repeat(32)));
    await writeFile(join(root, `${LOCK_FILE}.${"d".repeat(32)}.tmp`), signature(dead, "d".repeat(32)));
    const applied = await mutateRegistry(root, register("after-claim"), { lock: { waitMs: 2_000 } });
    expect(applied.summary).toContain("registered acme/after-claim");
    expect((await storeContents(root)).lockFiles).toEqual([]);
  });

  it("never takes over a lock signed on another host, whose pids mean nothing here", async () => {
    const root = await aBranchCheckout(() => dirs.make());
    const dead = await aDeadPid();
    const foreign = `${JSON.stringify({ host: `not-${hostname()}`, pid: dead, token: STALE_TOKEN })}\n`;
    await writeFile(join(root, LOCK_FILE), foreign);
    await expect(mutateRegistry(root, register("foreign"), { lock: { waitMs: 50 } })).rejects.toThrow(
      `pid ${dead} on not-${hostname()}`,
    );
    expect(await readFile(join(root, LOCK_FILE), "utf8")).toBe(foreign);
  });

  it("counts its temp and claim files as the store's own, so guards and .gitignore ignore them", () => {
    expect(isStorePrivatePath(LOCK_FILE)).toBe(true);
    expect(isStorePrivatePath(`${LOCK_FILE}.${STALE_TOKEN}.tmp`)).toBe(true);
    expect(isStorePrivatePath(`${LOCK_FILE}.takeover-${STALE_TOKEN}`)).toBe(true);
    expect(isStorePrivatePath("infra/.infra-txn.lockout")).toBe(false);
    expect(isStorePrivatePath("infra/telemetry-registry.v2.json")).toBe(false);
  });
});
