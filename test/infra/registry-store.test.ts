import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ExternalError, PolicyError, ValidationError } from "../../src/errors.js";
import type { WritePoint } from "../../src/registry/atomic-file-set.js";
import { planRegister } from "../../src/registry/plan-register.js";
import { planDisable } from "../../src/registry/plan-state-change.js";
import { mutateRegistry, readStore, STORE_PRIVATE_PATHS } from "../../src/registry/registry-store.js";
import { CHANGELOG_PATH, REGISTRY_PATH, type RegistryV2 } from "../../src/registry/registry-types.js";
import { registryText } from "./support/registry-builders.js";
import { tempDirs } from "./support/temp-dir.js";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const EXISTING_LINE =
  '{"action":"register","context":"production","owner":"acme","process":"infra-cli","reason":"core product","repo":"widgets","schema_version":"2.0","telemetry_repo":"acme/telemetry","timestamp":"2026-11-20T00:00:00Z"}\n';

async function aCheckout(): Promise<string> {
  const root = await dirs.make();
  await mkdir(join(root, "infra/changelog"), { recursive: true });
  await writeFile(join(root, REGISTRY_PATH), registryText());
  await writeFile(join(root, CHANGELOG_PATH), EXISTING_LINE);
  return root;
}

async function filesOf(root: string) {
  return {
    registry: await readFile(join(root, REGISTRY_PATH), "utf8"),
    changelog: await readFile(join(root, CHANGELOG_PATH), "utf8"),
  };
}

/** Only the registry and changelog remain: no lock, journal or temp file is left behind. */
async function leftovers(root: string) {
  const names = [...(await readdir(join(root, "infra"))), ...(await readdir(join(root, "infra/changelog")))];
  return names.filter(
    (name) => !["changelog", "telemetry-registry.v2.json", "infra-changelog.jsonl"].includes(name),
  );
}

const registerKilled = (registry: RegistryV2) =>
  planRegister(
    registry,
    { owner: "acme", repo: "killed", context: "sandbox", reason: "crash test" },
    new Date("2026-12-01T00:00:00Z"),
  );

describe("mutateRegistry", () => {
  it("writes the canonical registry and appends exactly one changelog line, updating generated_at", async () => {
    const root = await aCheckout();
    const applied = await mutateRegistry(root, registerKilled);
    const after = await filesOf(root);
    expect(JSON.parse(after.registry).generated_at).toBe("2026-12-01T00:00:00Z");
    expect(JSON.parse(after.registry).orgs.acme.repos.killed).toEqual({
      state: "enabled",
      context: "sandbox",
      process: "infra-cli",
      reason: "crash test",
    });
    expect(after.changelog).toBe(
      EXISTING_LINE +
        '{"action":"register","context":"sandbox","owner":"acme","process":"infra-cli","reason":"crash test","repo":"killed","schema_version":"2.0","telemetry_repo":"acme/telemetry","timestamp":"2026-12-01T00:00:00Z"}\n',
    );
    expect(applied.registrySha).toBe((await readStore(root)).registrySha);
    expect(await leftovers(root)).toEqual([]);
  });

  it("leaves both files byte for byte as they were when the planner refuses", async () => {
    const root = await aCheckout();
    const before = await filesOf(root);
    const refused = mutateRegistry(root, (registry) =>
      planDisable(registry, { owner: "acme", repo: "gadgets", reason: "again" }, new Date()),
    );
    await expect(refused).rejects.toThrow(PolicyError);
    await expect(refused).rejects.toThrow("acme/gadgets is already disabled");
    expect(await filesOf(root)).toEqual(before);
    expect(await leftovers(root)).toEqual([]);
  });

  it("refuses to change an invalid registry, listing its problems", async () => {
    const root = await aCheckout();
    await writeFile(join(root, REGISTRY_PATH), registryText().replace('"production"', '"prod"'));
    const before = await filesOf(root);
    const refused = mutateRegistry(root, registerKilled);
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: "/orgs/acme/repos/widgets/context", line: 14, col: 22 })],
    });
    expect(await filesOf(root)).toEqual(before);
  });

  it("refuses while another command holds the checkout's lock", async () => {
    const root = await aCheckout();
    await writeFile(join(root, "infra/.infra-txn.lock"), `${process.pid}\n`);
    await expect(mutateRegistry(root, registerKilled, { lock: { waitMs: 50 } })).rejects.toThrow(
      `another infra command (pid ${process.pid}) is changing the registry in this checkout`,
    );
  });

  it("names every file it may leave behind, so guards and .gitignore can account for them", () => {
    expect(STORE_PRIVATE_PATHS).toEqual([
      "infra/.infra-txn.lock",
      "infra/.infra-txn.lock.*",
      "infra/.infra-txn.json",
      "infra/.infra-txn.json.txn-tmp",
      "infra/.telemetry-registry.v2.json.txn-tmp",
      "infra/changelog/.infra-changelog.jsonl.txn-tmp",
    ]);
  });
});

describe("a failure injected during the write", () => {
  const points: { point: WritePoint; outcome: "before" | "after" }[] = [
    { point: "temps-written", outcome: "before" },
    { point: "journal-written", outcome: "after" },
    { point: "first-renamed", outcome: "after" },
    { point: "all-renamed", outcome: "after" },
  ];

  for (const { point, outcome } of points) {
    it(`at ${point} leaves both files ${outcome} the change`, async () => {
      const root = await aCheckout();
      const before = await filesOf(root);
      const failing = mutateRegistry(root, registerKilled, {
        hooks: {
          at: (reached) => {
            if (reached === point) throw new Error(`injected failure at ${point}`);
          },
        },
      });
      await expect(failing).rejects.toThrow(ExternalError);
      const now = await filesOf(root);
      if (outcome === "before") {
        expect(now).toEqual(before);
      } else {
        expect(now.changelog).toBe(before.changelog + now.changelog.slice(before.changelog.length));
        expect(now.changelog.split("\n")).toHaveLength(3);
        expect(JSON.parse(now.registry).orgs.acme.repos.killed).toBeDefined();
      }
      expect(await leftovers(root)).toEqual([]);
    });
  }
});

describe("a process killed during the write", () => {
  const script = fileURLToPath(new URL("./support/mutate-then-hang.ts", import.meta.url));

  async function killAt(root: string, point: WritePoint): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", script, root, point], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("paused")) resolve();
      });
      child.on("exit", () => reject(new Error(`child exited before pausing: ${output} ${errors}`)));
    });
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
  }

  it("between the two renames leaves a half-written pair on disk that the next reader completes", async () => {
    const root = await aCheckout();
    const before = await filesOf(root);
    await killAt(root, "first-renamed");
    const raw = await filesOf(root);
    expect(raw.changelog).toBe(before.changelog);
    expect(raw.registry).not.toBe(before.registry);

    const state = await readStore(root);
    expect(state.snapshot.resolve("acme/killed").outcome).toBe("ELIGIBLE");
    expect(state.changelog.lines.map((line) => line.repo)).toEqual(["widgets", "killed"]);
    expect(await leftovers(root)).toEqual([]);
  });

  for (const [point, outcome] of [
    ["temps-written", "before"],
    ["journal-written", "after"],
    ["all-renamed", "after"],
  ] as const) {
    it(`at ${point} leaves both files ${outcome} the change once the next command recovers`, async () => {
      const root = await aCheckout();
      const before = await filesOf(root);
      await killAt(root, point);
      await mutateRegistry(root, (registry) =>
        planDisable(
          registry,
          { owner: "acme", repo: "widgets", reason: "after the crash" },
          new Date("2026-12-02T00:00:00Z"),
        ),
      );
      const lines = (await filesOf(root)).changelog
        .trimEnd()
        .split("\n")
        .map((line) => (JSON.parse(line) as { action: string }).action);
      const registry = JSON.parse((await filesOf(root)).registry) as RegistryV2;
      if (outcome === "before") {
        expect(lines).toEqual(["register", "disable"]);
        expect(registry.orgs.acme.repos.killed).toBeUndefined();
        expect((await filesOf(root)).changelog.startsWith(before.changelog)).toBe(true);
      } else {
        expect(lines).toEqual(["register", "register", "disable"]);
        expect(registry.orgs.acme.repos.killed).toBeDefined();
      }
      expect(registry.orgs.acme.repos.widgets.state).toBe("disabled");
      expect(await leftovers(root)).toEqual([]);
    });
  }
});
