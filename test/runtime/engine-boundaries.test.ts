import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINE_ACCESS, covers, levelsOf } from "../../src/runtime/engine-access.js";
import { createEngineCatalog, type CatalogEngineName } from "../../src/runtime/engine-catalog.js";
import { ENGINE_NAMES } from "../../src/runtime/engine.js";
import { reachableModules, type ImportEdge } from "./support/module-graph.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CATALOG_ENGINES = ENGINE_NAMES.filter((name) => name !== "preflight") as CatalogEngineName[];

/**
 * The trust boundary of the seed (§3, §6): an engine sees only its context. It must not reach the
 * registry, the runtime (other than the engine contract), the infra tooling, the telemetry writer, or
 * another engine — directly or through anything it imports.
 */
function violations(engine: string, reachable: Map<string, ImportEdge[]>): string[] {
  const found: string[] = [];
  for (const [module, chain] of reachable) {
    const forbidden =
      module.startsWith("src/registry/") ||
      module.startsWith("src/infra/") ||
      (module.startsWith("src/runtime/") && module !== "src/runtime/engine.ts") ||
      module === "src/telemetry/emit-engine.ts" ||
      (module.startsWith("src/engines/") && !module.startsWith(`src/engines/${engine}/`));
    if (forbidden) found.push([...chain.map((edge) => edge.from), module].join(" → "));
  }
  return found.sort();
}

describe("engine isolation", () => {
  it("finds an engine module for every engine the catalog can start", async () => {
    const folders = (await readdir(join(ROOT, "src", "engines"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...CATALOG_ENGINES].sort());
  });

  it.each(CATALOG_ENGINES.map((engine) => [engine]))(
    "%s imports neither the registry, nor the runtime, nor the telemetry writer, nor another engine",
    async (engine) => {
      const reachable = await reachableModules(ROOT, `src/engines/${engine}/index.ts`);
      expect(reachable.size).toBeGreaterThan(1);
      expect(violations(engine, reachable)).toEqual([]);
    },
  );

  it.each(CATALOG_ENGINES.map((engine) => [engine]))(
    "%s loads through the catalog and asks for no more than the runtime's least-privilege policy",
    async (engine) => {
      const loaded = await createEngineCatalog().load(engine);
      expect(loaded.name).toBe(engine);
      const policy = levelsOf(ENGINE_ACCESS[engine].target);
      const declared = levelsOf(loaded.permissions);
      for (const permission of ["issues", "contents"] as const)
        expect(covers(policy[permission], declared[permission]), `${engine} ${permission}`).toBe(true);
    },
  );
});

describe("the boundary check itself", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "engine-boundaries-"));
    const files: Record<string, string> = {
      "src/engines/bad/index.ts":
        'import { helper } from "../../shared/helper.js";\nexport const x = helper;\n',
      "src/shared/helper.ts": 'export const helper = () => import("../registry/read.js");\n',
      "src/registry/read.ts": "export const read = 1;\n",
      "src/engines/good/index.ts":
        'import type { Engine } from "../../runtime/engine.js";\nexport type E = Engine;\n',
      "src/runtime/engine.ts": "export interface Engine { name: string }\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, ".."), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("catches a registry import two steps away, through a dynamic import, and names the chain", async () => {
    const found = violations("bad", await reachableModules(dir, "src/engines/bad/index.ts"));
    expect(found).toEqual(["src/engines/bad/index.ts → src/shared/helper.ts → src/registry/read.ts"]);
  });

  it("allows the engine contract", async () => {
    expect(violations("good", await reachableModules(dir, "src/engines/good/index.ts"))).toEqual([]);
  });
});
