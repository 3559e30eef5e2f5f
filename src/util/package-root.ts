import { fileURLToPath } from "node:url";

/** package.json's parts a build carries: its version and the release's token broker. */
export interface PackageManifest {
  version: string;
  taskAssistant?: { tokenBroker?: unknown; appSlug?: unknown; circuitBreaker?: unknown };
}

// `task-assistant release prepare` bundles the CLI into release/task-assistant.mjs and defines this
// as the manifest it was built from; in src/ and dist/ it is not defined.
declare const __TASK_ASSISTANT_MANIFEST__: PackageManifest | undefined;

/** The manifest built into the bundled release; undefined when running from src/ or dist/. */
export const BUNDLED_MANIFEST: PackageManifest | undefined =
  typeof __TASK_ASSISTANT_MANIFEST__ === "undefined" ? undefined : __TASK_ASSISTANT_MANIFEST__;

/**
 * The package root (holding `package.json`, `schemas/`, `templates/`, `.github/`), from src/, dist/
 * and the bundle (`release/task-assistant.mjs`) alike.
 */
export const PACKAGE_ROOT = fileURLToPath(
  new URL(BUNDLED_MANIFEST === undefined ? "../../" : "../", import.meta.url),
);
