import { InternalError } from "../errors.js";
import { ENGINE_NAMES, type Engine, type EngineName } from "./engine.js";

/** Engines the runner can start; preflight is the runtime's own and is not one of them. */
export type CatalogEngineName = Exclude<EngineName, "preflight">;

export interface EngineCatalog {
  /** Loads an engine's module on first use; rejects when the module is missing or not an engine. */
  load(name: CatalogEngineName): Promise<Engine>;
}

export type EngineLoader = () => Promise<unknown>;

/** Each engine's module, imported only when a run needs it (a validate run never loads the dashboard). */
const ENGINE_MODULES: Readonly<Record<CatalogEngineName, EngineLoader>> = {
  validate: () => import("../engines/validate/index.js"),
  materialize: () => import("../engines/materialize/index.js"),
  enforce: () => import("../engines/enforce/index.js"),
  reconcile: () => import("../engines/reconcile/index.js"),
  "self-test": () => import("../engines/self-test/index.js"),
  dashboard: () => import("../engines/dashboard/index.js"),
};

/**
 * The engine catalog: `src/engines/<name>/index.js`, each exporting `engine: Engine`, loaded lazily.
 * `loaders` replaces modules by name, for tests and for hosts embedding extra engines.
 *
 * @example await createEngineCatalog().load("validate")
 */
export function createEngineCatalog(
  loaders: Partial<Record<CatalogEngineName, EngineLoader>> = {},
): EngineCatalog {
  const loaded = new Map<CatalogEngineName, Promise<Engine>>();
  return {
    load(name) {
      if (!ENGINE_NAMES.includes(name) || (name as EngineName) === "preflight")
        return Promise.reject(new InternalError(`"${String(name)}" is not an engine of the catalog`));
      let engine = loaded.get(name);
      if (engine === undefined) {
        const loader = loaders[name] ?? ENGINE_MODULES[name];
        engine = loader().then((module) => engineOf(module, name));
        loaded.set(name, engine);
      }
      return engine;
    },
  };
}

function engineOf(module: unknown, name: CatalogEngineName): Engine {
  const candidate =
    module !== null && typeof module === "object" && "engine" in module ? module.engine : module;
  const engine = candidate as Partial<Engine> | null;
  if (engine === null || typeof engine !== "object" || typeof engine.run !== "function")
    throw new InternalError(
      `the module of engine "${name}" does not export \`engine\` with a run() function`,
    );
  if (engine.name !== name)
    throw new InternalError(
      `the module of engine "${name}" exports an engine named "${String(engine.name)}"`,
    );
  return engine as Engine;
}
