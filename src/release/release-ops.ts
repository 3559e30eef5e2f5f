import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ExternalError, PolicyError, UsageError } from "../errors.js";
import {
  checkRelease,
  DISPATCH_TEMPLATE_PATH,
  DISPATCH_WORKFLOW_PATH,
  ENGINE_WORKFLOW_DIR,
  type ReleaseCheck,
  type ReleaseFiles,
} from "../runtime/check-release.js";
import { ENGINE_NAMES, type EngineName } from "../runtime/engine.js";
import { RELEASE_TAG_PATTERN } from "../runtime/engine-ref-policy.js";
import { pinDispatchWorkflow } from "../runtime/pin-dispatch-template.js";
import { channelOf } from "../runtime/release-channel.js";
import type { PackageManifest } from "../util/package-root.js";
import { BUNDLE_FILE, bundleRelease } from "./bundle-release.js";

const run = promisify(execFile);

export interface ReleaseOptions {
  /** A release for a local GitHub (tests, demos): package.json may name no token broker. */
  readonly allowEmptyBroker?: boolean;
  /** Environment for git and node (the author identity of the release commit, PATH). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Refuses anything but `vMAJOR.MINOR.PATCH[-pre]` (exit 2), before touching anything. */
export function assertReleaseTag(tag: string): void {
  if (!RELEASE_TAG_PATTERN.test(tag))
    throw new UsageError(`${JSON.stringify(tag)} is not a release tag`, {
      hint: "pass the version to release as vMAJOR.MINOR.PATCH, e.g. v1.4.0",
    });
}

async function git(root: string, args: string[], options: ReleaseOptions): Promise<string> {
  try {
    const { stdout } = await run("git", args, {
      cwd: root,
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  } catch (error) {
    const raw = (error as { stderr?: unknown }).stderr;
    const stderr = (typeof raw === "string" ? raw : Buffer.isBuffer(raw) ? raw.toString("utf8") : "").trim();
    throw new ExternalError(`git ${args[0]} failed in ${root}: ${stderr || (error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Reads what `release check` judges from a checkout: the workflows, the host template, package.json,
 * and the committed bundle — rebuilt from the same sources to compare bytes, and run for `--version`.
 */
export async function readReleaseFiles(root: string, options: ReleaseOptions = {}): Promise<ReleaseFiles> {
  const read = (path: string) => readFile(join(root, path), "utf8").catch(() => undefined);
  const engineWorkflows: Partial<Record<EngineName, string>> = {};
  for (const engine of ENGINE_NAMES)
    engineWorkflows[engine] = await read(`${ENGINE_WORKFLOW_DIR}/engine-${engine}.yml`);
  const pkg = await read("package.json");
  const manifest = (pkg === undefined ? {} : JSON.parse(pkg)) as Partial<PackageManifest>;
  const committed = await readFile(join(root, BUNDLE_FILE)).catch(() => undefined);
  let bundle: ReleaseFiles["bundle"] = { present: false, fresh: false, version: undefined };
  if (committed !== undefined) {
    const rebuilt = await bundleRelease(root, { version: String(manifest.version), ...manifest });
    let version: string | undefined;
    try {
      const { stdout } = await run(process.execPath, [join(root, BUNDLE_FILE), "--version"], {
        cwd: root,
        timeout: 30_000,
      });
      version = stdout.trim().split(/\s+/).at(-1);
    } catch {
      version = undefined;
    }
    bundle = { present: true, fresh: rebuilt.equals(committed), version };
  }
  return {
    engineWorkflows,
    dispatchTemplate: await read(DISPATCH_TEMPLATE_PATH),
    dispatchWorkflow: await read(DISPATCH_WORKFLOW_PATH),
    packageVersion: pkg === undefined ? "(missing)" : String(manifest.version),
    tokenBroker: manifest.taskAssistant?.tokenBroker,
    bundle,
    allowEmptyBroker: options.allowEmptyBroker === true,
  };
}

/** `release check` on a checkout. */
export async function checkReleaseAt(root: string, tag: string, options: ReleaseOptions = {}): Promise<ReleaseCheck> {
  return checkRelease(tag, await readReleaseFiles(root, options));
}

export interface PreparedRelease {
  readonly tag: string;
  /** The release commit (undefined when the check failed and every file was put back). */
  readonly commit: string | undefined;
  readonly check: ReleaseCheck;
}

/**
 * `release prepare vX.Y.Z` in a git work tree with no uncommitted changes to tracked files: sets the
 * version in package.json (and package-lock.json), sets every literal ref in dispatch.yml to the tag,
 * bundles the CLI into release/task-assistant.mjs, checks the result, and commits these files as the
 * release commit. When the check fails, every file is put back as it was and nothing is committed.
 */
export async function prepareRelease(root: string, tag: string, options: ReleaseOptions = {}): Promise<PreparedRelease> {
  assertReleaseTag(tag);
  const dirty = await git(root, ["status", "--porcelain", "--untracked-files=no"], options);
  if (dirty !== "")
    throw new PolicyError(`${root} has uncommitted changes; a release commit holds exactly the release's files`, {
      hint: "commit or stash them first",
    });
  const version = tag.slice(1);
  const paths = ["package.json", "package-lock.json", DISPATCH_WORKFLOW_PATH, BUNDLE_FILE];
  const before = new Map<string, Buffer | undefined>();
  for (const path of paths) before.set(path, await readFile(join(root, path)).catch(() => undefined));
  const restore = async () => {
    for (const [path, content] of before) {
      if (content === undefined) await rm(join(root, path), { force: true });
      else await writeFile(join(root, path), content);
    }
  };
  try {
    const manifestText = before.get("package.json")?.toString("utf8");
    if (manifestText === undefined) throw new UsageError(`${root} has no package.json`);
    const manifest = JSON.parse(manifestText) as PackageManifest;
    manifest.version = version;
    await writeFile(join(root, "package.json"), withVersion(manifestText, version));
    const lock = before.get("package-lock.json")?.toString("utf8");
    if (lock !== undefined) {
      const parsed = JSON.parse(lock) as { version?: string; packages?: Record<string, { version?: string }> };
      parsed.version = version;
      if (parsed.packages?.[""] !== undefined) parsed.packages[""].version = version;
      await writeFile(join(root, "package-lock.json"), `${JSON.stringify(parsed, null, 2)}\n`);
    }
    const dispatch = before.get(DISPATCH_WORKFLOW_PATH)?.toString("utf8");
    if (dispatch !== undefined)
      await writeFile(join(root, DISPATCH_WORKFLOW_PATH), pinDispatchWorkflow(dispatch, tag));
    await mkdir(dirname(join(root, BUNDLE_FILE)), { recursive: true });
    await writeFile(join(root, BUNDLE_FILE), await bundleRelease(root, manifest));
    const check = await checkReleaseAt(root, tag, options);
    if (!check.ok) {
      await restore();
      return { tag, commit: undefined, check };
    }
    await git(root, ["add", "--force", "--", ...paths.filter((path) => path !== "package-lock.json" || lock !== undefined)], options);
    await git(root, ["commit", "--quiet", "-m", `Release ${tag}`, "-m", `The bundled CLI (${BUNDLE_FILE}) and dispatch.yml pinned to ${tag}.`], options);
    return { tag, commit: await git(root, ["rev-parse", "HEAD"], options), check };
  } catch (error) {
    await restore();
    throw error;
  }
}

/** package.json's text with its top-level version replaced, keeping the rest of its layout. */
function withVersion(text: string, version: string): string {
  return text.replace(/^(\s*"version"\s*:\s*)"[^"]*"/m, `$1"${version}"`);
}

export interface PublishedRelease {
  readonly tag: string;
  readonly commit: string;
  /** The channel moved to the release; undefined for a pre-release, which moves no channel. */
  readonly channel: string | undefined;
}

/**
 * `release publish vX.Y.Z`: checks the release commit (HEAD), creates the tag `vX.Y.Z` there and moves
 * the channel `v<MAJOR>` to it, locally and on `remote`. A release tag is never moved: publishing a
 * tag that exists at another commit is refused. A pre-release (`-rc.1`) is tagged but moves no channel.
 */
export async function publishRelease(
  root: string,
  tag: string,
  remote: string,
  options: ReleaseOptions = {},
): Promise<PublishedRelease & { check: ReleaseCheck }> {
  assertReleaseTag(tag);
  const check = await checkReleaseAt(root, tag, options);
  const commit = await git(root, ["rev-parse", "HEAD^{commit}"], options);
  if (!check.ok) return { tag, commit, channel: undefined, check };
  const existing = await remoteTag(root, remote, tag, options);
  if (existing !== undefined && existing !== commit)
    throw new PolicyError(`${tag} already exists on ${remote} at ${existing}, not at ${commit}`, {
      hint: "release tags never move: release a new version instead",
    });
  await git(root, ["tag", "--force", tag, commit], options);
  const channel = tag.includes("-") ? undefined : channelOf(tag);
  const refspecs = [`refs/tags/${tag}:refs/tags/${tag}`];
  if (channel !== undefined) {
    await git(root, ["tag", "--force", channel, commit], options);
    refspecs.push(`+refs/tags/${channel}:refs/tags/${channel}`);
  }
  await git(root, ["push", "--quiet", remote, ...refspecs], options);
  return { tag, commit, channel, check };
}

/**
 * Rollback: moves the channel of `tag` back to that (earlier, published) release, locally and on
 * `remote`. Hosts follow on their next run, as they follow a release.
 */
export async function moveChannel(
  root: string,
  tag: string,
  remote: string,
  options: ReleaseOptions = {},
): Promise<PublishedRelease> {
  assertReleaseTag(tag);
  const channel = channelOf(tag);
  if (channel === undefined || tag.includes("-"))
    throw new UsageError(`${tag} is a pre-release; channels point to releases only`, {
      hint: "pass a release such as v1.4.0",
    });
  const commit = await remoteTag(root, remote, tag, options);
  if (commit === undefined)
    throw new PolicyError(`${tag} is not published on ${remote}`, {
      hint: "a channel can only point to a published release",
    });
  await git(root, ["fetch", "--quiet", remote, `refs/tags/${tag}:refs/tags/${tag}`], options);
  await git(root, ["tag", "--force", channel, commit], options);
  await git(root, ["push", "--quiet", remote, `+refs/tags/${channel}:refs/tags/${channel}`], options);
  return { tag, commit, channel };
}

/** The commit a tag names on `remote` (peeled), or undefined. */
async function remoteTag(root: string, remote: string, tag: string, options: ReleaseOptions): Promise<string | undefined> {
  const lines = await git(root, ["ls-remote", "--tags", remote, `refs/tags/${tag}`, `refs/tags/${tag}^{}`], options);
  const found = new Map(lines.split("\n").filter(Boolean).map((line) => {
    const [sha, ref] = line.split(/\s+/);
    return [ref, sha] as const;
  }));
  return found.get(`refs/tags/${tag}^{}`) ?? found.get(`refs/tags/${tag}`);
}
