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
