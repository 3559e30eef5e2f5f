import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

/**
 * `npm ci` on the Node version the README names must not warn EBADENGINE: every package in the
 * lock file accepts it. Runtime packages also accept package.json's own `engines.node` minimum,
 * which is what users of the installed CLI get.
 */

/** semver, as npm itself resolves ranges (a dependency of the toolchain; no types are installed). */
const semver = createRequire(import.meta.url)("semver") as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface LockEntry {
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const lock = JSON.parse(await readFile("package-lock.json", "utf8")) as {
  packages: Record<string, LockEntry>;
};
const manifest = JSON.parse(await readFile("package.json", "utf8")) as { engines: { node: string } };
const readme = await readFile("README.md", "utf8");

function refusing(version: string, include: (entry: LockEntry) => boolean): string[] {
  return Object.entries(lock.packages)
    .filter(([name, entry]) => name !== "" && include(entry))
    .flatMap(([name, entry]) => {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      return range !== undefined && !semver.satisfies(version, range) ? [`${name} wants node ${range}`] : [];
    });
}

describe("Node versions the lock file accepts", () => {
  it("every package accepts the Node version the README requires", () => {
    const stated = /Requires Node\.js (\d+\.\d+) or later/.exec(readme)?.[1];
    expect(stated, 'README says "Requires Node.js X.Y or later"').toBeDefined();
    expect(refusing(`${stated}.0`, () => true)).toEqual([]);
  });

  it("every runtime package accepts package.json's engines.node minimum", () => {
    const minimum = semver.minVersion(manifest.engines.node)!.version;
    expect(refusing(minimum, (entry) => entry.dev !== true)).toEqual([]);
  });
});
