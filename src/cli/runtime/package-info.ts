import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The package root (holding `package.json`, `templates/`, `.github/`), from src/ and from dist/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let version: Promise<string> | undefined;

/** This build's version, from package.json; records and results carry it. */
export function packageVersion(): Promise<string> {
  version ??= readFile(new URL("../../../package.json", import.meta.url), "utf8").then(
    (text) => (JSON.parse(text) as { version: string }).version,
  );
  return version;
}
