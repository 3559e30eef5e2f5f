import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BUNDLED_MANIFEST, PACKAGE_ROOT, type PackageManifest } from "../../util/package-root.js";

export { PACKAGE_ROOT };

let manifest: Promise<PackageManifest> | undefined;

/** package.json: the one built into the bundle, else the package's own file. */
function packageJson(): Promise<PackageManifest> {
  manifest ??=
    BUNDLED_MANIFEST !== undefined
      ? Promise.resolve(BUNDLED_MANIFEST)
      : readFile(join(PACKAGE_ROOT, "package.json"), "utf8").then(
          (text) => JSON.parse(text) as PackageManifest,
        );
  return manifest;
}

/** This build's version, from package.json; records and results carry it. */
export async function packageVersion(): Promise<string> {
  return (await packageJson()).version;
}

/**
 * The token broker of this release (`taskAssistant.tokenBroker` in package.json): the one place the
 * broker URL of engine jobs comes from; undefined when the release names none.
 */
export async function releaseTokenBroker(): Promise<string | undefined> {
  const url = (await packageJson()).taskAssistant?.tokenBroker;
  return typeof url === "string" && url.trim() !== "" ? url.trim() : undefined;
}

/**
 * The App's slug of this release (`taskAssistant.appSlug` in package.json): the one place the loop
 * guard learns which bot is "us"; undefined when the release names none.
 */
export async function releaseAppSlug(): Promise<string | undefined> {
  const slug = (await packageJson()).taskAssistant?.appSlug;
  return typeof slug === "string" && slug.trim() !== "" ? slug.trim() : undefined;
}

/**
 * The circuit breaker's defaults of this release (`taskAssistant.circuitBreaker` in package.json:
 * `{ runs, minutes }`); each is undefined when the release does not set it to a positive integer.
 */
export async function releaseCircuitBreaker(): Promise<{ runs?: number; minutes?: number }> {
  const raw = (await packageJson()).taskAssistant?.circuitBreaker as
    { runs?: unknown; minutes?: unknown } | undefined;
  const positive = (value: unknown) =>
    typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
  return { runs: positive(raw?.runs), minutes: positive(raw?.minutes) };
}
