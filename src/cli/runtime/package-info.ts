import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The package root (holding `package.json`, `templates/`, `.github/`), from src/ and from dist/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface PackageJson {
  version: string;
  taskAssistant?: { tokenBroker?: unknown };
}

let manifest: Promise<PackageJson> | undefined;

function packageJson(): Promise<PackageJson> {
  manifest ??= readFile(new URL("../../../package.json", import.meta.url), "utf8").then(
    (text) => JSON.parse(text) as PackageJson,
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
