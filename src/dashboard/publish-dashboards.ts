import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ExternalError, InternalError } from "../errors.js";
import { DASHBOARDS_ROOT, type DashboardFile } from "./dashboard-files.js";
import { runGit } from "./run-git.js";
import { syncCheckout, type Checkout } from "./telemetry-checkout.js";

export interface PublishOptions {
  checkout: Checkout;
  remoteUrl: string;
  token?: string;
  files: readonly DashboardFile[];
  message: string;
  identity: { name: string; email: string };
  /** Attempts when the branch moved under us (emit-engine keeps appending records). */
  attempts?: number;
  /** Waits between attempts; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface PublishResult {
  commit: string;
  /** The branch head the commit was made on. */
  parent: string;
  attempts: number;
  /** Paths (in the telemetry repository) the commit changed. */
  changed: string[];
}

/**
 * Publishes the dashboards as one commit on the telemetry repository's default branch: the whole
 * `telemetry/v1/dashboards/` folder is replaced, nothing else. Before committing it checks that the
 * staged change touches only that folder (so raw records under `telemetry/v1/repos/` can never be
 * changed by us). A push refused because the branch moved is retried on the new head, with
 * exponential backoff and full jitter; any other failure is an `ExternalError`.
 */
export async function publishDashboards(options: PublishOptions): Promise<PublishResult> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let checkout = options.checkout;
  for (let attempt = 1; ; attempt += 1) {
    const env = { ...checkout.env, ...identityEnv(options.identity) };
    const git = (args: string[], allowExit?: number[]) => runGit(args, { cwd: checkout.dir, env, allowExit });
    const parent = checkout.head;

    await rm(join(checkout.dir, DASHBOARDS_ROOT), { recursive: true, force: true });
    for (const file of options.files) {
      const target = join(checkout.dir, DASHBOARDS_ROOT, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    await git(["add", "--all", "--", `${DASHBOARDS_ROOT}/`]);
    const staged = (await git(["diff", "--cached", "--name-only", "-z"])).stdout.split("\0").filter(Boolean);
    const outside = staged.filter((path) => !path.startsWith(`${DASHBOARDS_ROOT}/`));
    if (outside.length > 0) {
      throw new InternalError(`refusing to publish: the change would touch ${outside[0]}`, {
        hint: "dashboards may only change telemetry/v1/dashboards/",
      });
    }
    if (staged.length === 0) return { commit: parent, parent, attempts: attempt, changed: [] };
    await git(["commit", "--quiet", "--no-verify", "-m", options.message]);
    const commit = (await git(["rev-parse", "HEAD"])).stdout.trim();

    const push = await git(
      ["push", "--quiet", "--porcelain", "origin", `HEAD:refs/heads/${checkout.branch}`],
      [1],
    );
    if (push.code === 0) return { commit, parent, attempts: attempt, changed: staged };

    // Refused: retry only when the branch really moved; anything else is not ours to fix.
    const remote = await git(["ls-remote", "origin", `refs/heads/${checkout.branch}`]);
    const remoteHead = remote.stdout.split("\t")[0]?.trim();
    if (remoteHead === undefined || remoteHead === "" || remoteHead === parent) {
      throw new ExternalError(`could not push the dashboards to ${checkout.branch}`, {
        hint: "check that the token may write the telemetry repository and that no rule protects its default branch",
      });
    }
    if (attempt >= attempts) {
      throw new ExternalError(`the telemetry branch kept moving; gave up after ${attempts} attempts`, {
        hint: "run the build again; records are still being written",
      });
    }
    await sleep(Math.floor(random() * 250 * 2 ** (attempt - 1)));
    checkout = await syncCheckout({
      dir: checkout.dir,
      remoteUrl: options.remoteUrl,
      token: options.token,
      env: checkout.env,
    });
  }
}

function identityEnv(identity: { name: string; email: string }): NodeJS.ProcessEnv {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}
