import type { Engine, EngineContext, EngineName, EngineResult } from "../../../src/runtime/engine.js";
import {
  createEngineCatalog,
  type CatalogEngineName,
  type EngineCatalog,
} from "../../../src/runtime/engine-catalog.js";

/** A test-only engine that counts its runs and remembers every context it was given. */
export interface SpyEngine extends Engine {
  readonly calls: EngineContext[];
}

function spy(name: EngineName, behaviour: (ctx: EngineContext) => Promise<unknown>): SpyEngine {
  const calls: EngineContext[] = [];
  return {
    name,
    permissions: { contents: "read" },
    calls,
    run: async (ctx) => {
      calls.push(ctx);
      return (await behaviour(ctx)) as EngineResult;
    },
  };
}

export const aResult = (name: string, overrides: Partial<EngineResult> = {}): EngineResult => ({
  tool: name,
  version: "test",
  ok: true,
  summary: `${name} did its work`,
  checks: [{ id: `${name}.done`, outcome: "PASS" }],
  actions: [],
  ...overrides,
});

/** Reads the target repository (so it uses its token) and reports success. */
export function succeeding(name: EngineName): SpyEngine {
  return spy(name, async (ctx) => {
    const [owner, repo] = ctx.target_repo.split("/");
    await ctx.github.rest.repos.get({ owner, repo });
    return aResult(name);
  });
}

/** Runs to the end and reports ok=false. */
export function reportingFailure(name: EngineName, summary = `${name} found a problem`): SpyEngine {
  return spy(name, () =>
    Promise.resolve(aResult(name, { ok: false, summary, checks: [{ id: `${name}.rule`, outcome: "FAIL" }] })),
  );
}

/** Throws halfway through. */
export function throwing(name: EngineName, message = "boom"): SpyEngine {
  return spy(name, () => Promise.reject(new Error(message)));
}

/** Returns something that is not an engine result (and would break the record rules). */
export function returningGarbage(name: EngineName): SpyEngine {
  return spy(name, () => Promise.resolve({ details: { owner: "acme", repo: "widgets" } }));
}

/** A catalog of the given test engines, keyed by their names. */
export function catalogOf(...engines: SpyEngine[]): EngineCatalog {
  return createEngineCatalog(
    Object.fromEntries(
      engines.map((engine) => [engine.name as CatalogEngineName, () => Promise.resolve({ engine })]),
    ),
  );
}
