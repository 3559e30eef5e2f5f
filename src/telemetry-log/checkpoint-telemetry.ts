import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runGit } from "../dashboard/run-git.js";
import { syncCheckout, type Checkout } from "../dashboard/telemetry-checkout.js";
import { ExternalError, InternalError } from "../errors.js";
import type { NoteSigner } from "../tlog/signed-note.js";
import { CHECKPOINTS_ROOT } from "./log-files.js";
import { updateLog, type LogUpdate } from "./update-log.js";

export interface CheckpointTelemetryOptions {
  /** `https://…/<owner>/<name>.git` of the telemetry repository. */
  remoteUrl: string;
  token?: string;
  signer: NoteSigner;
  origin: string;
  now: () => Date;
  /** Reuse this working copy; a temporary one is made (and removed) otherwise. */
  checkoutDir?: string;
  identity: { name: string; email: string };
  env?: NodeJS.ProcessEnv;
  /** Compute and report, publish nothing. */
  dryRun?: boolean;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CheckpointReport extends LogUpdate {
  telemetryCommit: string;
  /** The commit that published the checkpoint, when one was made. */
  published?: string;
  attempts: number;
}

/**
 * One checkpointer run on a telemetry repository: sync a working copy over git, extend the log with
 * the records added since the stored state, and publish the signed checkpoint, its state and its
 * leaf index as one commit that touches only `telemetry/v1/checkpoints/`. A push refused because
 * records arrived meanwhile is retried on the new head (the work is redone from the stored state,
 * so it stays O(new records)).
 */
export async function checkpointTelemetry(options: CheckpointTelemetryOptions): Promise<CheckpointReport> {
  const temporary = options.checkoutDir === undefined;
  const dir = options.checkoutDir ?? (await mkdtemp(join(tmpdir(), "task-assistant-checkpoint-")));
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  try {
    for (let attempt = 1; ; attempt += 1) {
      const checkout = await syncCheckout({
        dir,
        remoteUrl: options.remoteUrl,
        token: options.token,
        env: options.env,
        // It reads each new record and writes only under the checkpoints directory.
        allBlobs: true,
        sparsePaths: [CHECKPOINTS_ROOT],
      });
      const update = await updateLog({
        cwd: checkout.dir,
        env: checkout.env,
        head: checkout.head,
        signer: options.signer,
        origin: options.origin,
        now: options.now(),
      });
      const report: CheckpointReport = { ...update, telemetryCommit: checkout.head, attempts: attempt };
      if (options.dryRun || update.files.length === 0) return report;
      const pushed = await commitAndPush(checkout, update, options);
      if (pushed !== undefined) return { ...report, published: pushed };
      if (attempt >= attempts) {
        throw new ExternalError(`the telemetry branch kept moving; gave up after ${attempts} attempts`, {
          hint: "run the checkpointer again; records are still being written",
        });
      }
      await sleep(Math.floor(random() * 250 * 2 ** (attempt - 1)));
    }
  } finally {
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
}

/** The new commit, or undefined when the branch moved under us (try again). */
async function commitAndPush(
  checkout: Checkout,
  update: LogUpdate,
  options: CheckpointTelemetryOptions,
): Promise<string | undefined> {
  const env = {
    ...checkout.env,
    GIT_AUTHOR_NAME: options.identity.name,
    GIT_AUTHOR_EMAIL: options.identity.email,
    GIT_COMMITTER_NAME: options.identity.name,
    GIT_COMMITTER_EMAIL: options.identity.email,
  };
  const git = (args: string[], allowExit?: number[]) => runGit(args, { cwd: checkout.dir, env, allowExit });
  for (const file of update.files) {
    const target = join(checkout.dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }
  await git(["add", "--", `${CHECKPOINTS_ROOT}/`]);
  const staged = (await git(["diff", "--cached", "--name-only", "-z"])).stdout.split("\0").filter(Boolean);
  const outside = staged.filter((path) => !path.startsWith(`${CHECKPOINTS_ROOT}/`));
  if (outside.length > 0) {
    throw new InternalError(`refusing to publish: the change would touch ${outside[0]}`, {
      hint: "the checkpointer may only change telemetry/v1/checkpoints/",
    });
  }
  await git([
    "commit",
    "--quiet",
    "--no-verify",
    "-m",
    `checkpoint: ${update.size} records (${update.size - update.previousSize} new) at ${checkout.head.slice(0, 12)}`,
  ]);
  const commit = (await git(["rev-parse", "HEAD"])).stdout.trim();
  const push = await git(
    ["push", "--quiet", "--porcelain", "origin", `HEAD:refs/heads/${checkout.branch}`],
    [1],
  );
  if (push.code === 0) return commit;
  const remote = await git(["ls-remote", "origin", `refs/heads/${checkout.branch}`]);
  const remoteHead = remote.stdout.split("\t")[0]?.trim();
  if (remoteHead === undefined || remoteHead === "" || remoteHead === checkout.head) {
    throw new ExternalError(`could not push the checkpoint to ${checkout.branch}`, {
      hint: "check that the token may write the telemetry repository and that no rule refuses the App's pushes",
    });
  }
  return undefined;
}
