import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { RECORDS_ROOT } from "../telemetry/record-path.js";
import { DASHBOARDS_ROOT } from "./dashboard-files.js";
import { gitEnv, runGit, type GitEnvOptions } from "./run-git.js";
import { pathExists } from "../util/path-exists.js";

export interface CheckoutOptions extends GitEnvOptions {
  /** Directory of the working copy; created by cloning when it holds no repository yet. */
  dir: string;
  /** `https://…/<owner>/<name>.git`, without credentials (they travel in the environment). */
  remoteUrl: string;
  /** Base environment for git (PATH, HOME); `GIT_*` variables in it are ignored. */
  env?: NodeJS.ProcessEnv;
  /**
   * Clone every blob up front instead of fetching each when first read. For readers of the whole
   * log (the checkpointer and `telemetry verify`): git fetches a missing blob of a partial clone
   * one request at a time.
   */
  allBlobs?: boolean;
  /** Directories the working tree holds (cone mode); default: the dashboards directory. */
  sparsePaths?: readonly string[];
}

export interface Checkout {
  dir: string;
  /** The commit the working tree now holds: the remote default branch's head. */
  head: string;
  /** The remote's default branch name. */
  branch: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Brings a working copy of the telemetry repository up to the remote's default branch: a partial
 * clone the first time (commits and trees; no file content), a fetch of new commits and trees
 * afterwards. The working tree is sparse: it holds only `telemetry/v1/dashboards/` (and top-level
 * files), which publishing rewrites; records are read from the object database, their blobs
 * fetched only when a build reads them (`readRecordFiles`). The working tree is forced to the
 * fetched head, so leftovers of an earlier build can never leak into the next one.
 */
export async function syncCheckout(options: CheckoutOptions): Promise<Checkout> {
  const env = gitEnv(options.env ?? process.env, options);
  const dir = options.dir;
  if (!(await pathExists(join(dir, ".git")))) {
    await mkdir(dir, { recursive: true });
    await runGit(
      [
        "clone",
        "--quiet",
        "--no-tags",
        ...(options.allBlobs ? [] : ["--filter=blob:none"]),
        "--no-checkout",
        "--",
        options.remoteUrl,
        ".",
      ],
      { cwd: dir, env },
    );
  } else {
    await runGit(["remote", "set-url", "origin", options.remoteUrl], { cwd: dir, env });
    await runGit(["fetch", "--quiet", "--no-tags", "--prune", "origin"], { cwd: dir, env });
    // The default branch may have been renamed since the clone.
    await runGit(["remote", "set-head", "origin", "--auto"], { cwd: dir, env });
  }
  // A working copy made before checkouts were sparse (or by hand) is made sparse once, and one
  // whose directories differ from those asked for is set to them.
  const paths = [...(options.sparsePaths ?? [DASHBOARDS_ROOT])].sort();
  const sparse = await runGit(["config", "--bool", "core.sparseCheckout"], { cwd: dir, env, allowExit: [1] });
  if (sparse.stdout.trim() !== "true") {
    await runGit(["sparse-checkout", "init", "--cone", "--sparse-index"], { cwd: dir, env });
    await runGit(["sparse-checkout", "set", "--", ...paths], { cwd: dir, env });
  } else {
    const listed = (await runGit(["sparse-checkout", "list"], { cwd: dir, env })).stdout
      .split("\n")
      .filter(Boolean);
    if (listed.sort().join("\n") !== paths.join("\n")) {
      await runGit(["sparse-checkout", "set", "--", ...paths], { cwd: dir, env });
    }
  }
  const branch = await defaultBranch(dir, env);
  await runGit(["checkout", "--quiet", "--force", "--detach", `refs/remotes/origin/${branch}`], {
    cwd: dir,
    env,
  });
  await runGit(["clean", "--quiet", "-d", "--force", "-x"], { cwd: dir, env });
  const head = (await runGit(["rev-parse", "HEAD"], { cwd: dir, env })).stdout.trim();
  return { dir, head, branch, env };
}

async function defaultBranch(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const ref = await runGit(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], {
    cwd: dir,
    env,
    allowExit: [1, 128],
  });
  const name = ref.stdout.trim().replace(/^refs\/remotes\/origin\//, "");
  return ref.code === 0 && name !== "" ? name : "main";
}

/** Is `ancestor` a commit in the history of `head`? False when it is unknown or was force-pushed away. */
export async function isAncestor(checkout: Checkout, ancestor: string, head: string): Promise<boolean> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(ancestor)) return false;
  // Exit 1: not an ancestor; 128: the commit is not in this repository at all (force-pushed away).
  const result = await runGit(["merge-base", "--is-ancestor", ancestor, head], {
    cwd: checkout.dir,
    env: checkout.env,
    allowExit: [1, 128],
  });
  return result.code === 0;
}

/** Does the checkout's head hold a `telemetry/v1/repos/` tree? Asked of git, not of the (sparse) working tree. */
export async function hasRecordsTree(checkout: Checkout): Promise<boolean> {
  const result = await runGit(["cat-file", "-t", `${checkout.head}:${RECORDS_ROOT}`], {
    cwd: checkout.dir,
    env: checkout.env,
    allowExit: [128],
  });
  return result.code === 0 && result.stdout.trim() === "tree";
}
