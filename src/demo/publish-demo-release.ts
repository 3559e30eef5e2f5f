import { access, mkdir, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import type { LocalGitHub } from "../emulator/start-local-github.js";
import { ExternalError, UsageError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { git } from "../infra/git.js";
import { prepareRelease, publishRelease } from "../release/release-ops.js";
import { APP_REPOSITORY } from "../runtime/app-repository.js";
import { BUNDLE_FILE } from "./../release/bundle-release.js";

export interface DemoReleaseOptions {
  readonly github: LocalGitHub;
  readonly admin: GitHub;
  /** This project's checkout: its sources, workflows and templates become the App's repository. */
  readonly packageRoot: string;
  /** The release to publish, `vX.Y.Z`. */
  readonly tag: string;
  /** A directory of its own for the release's work tree (created; removed when done). */
  readonly workDir: string;
  /** PATH and HOME for git and esbuild. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Publishes this checkout as release `tag` of the App's repository in the local GitHub, with the real
 * release tooling, so jobs run what production jobs run: the checkout's files (as git would commit
 * them, .gitignore respected) become a commit on the App repository's main, then `release prepare`
 * (the bundle `release/task-assistant.mjs`, the version, dispatch.yml's refs pinned to the tag, the
 * release commit) and `release publish` (the tag and its channel `v<MAJOR>`). A tag that already
 * holds a release (a resumed demo) is kept as it is. Returns the release commit.
 */
export async function publishDemoRelease(options: DemoReleaseOptions): Promise<string> {
  const [owner, repo] = APP_REPOSITORY.split("/") as [string, string];
  const existing = await tagCommit(options.admin, owner, repo, options.tag);
  if (existing !== undefined) {
    if (await holdsBundle(options.admin, owner, repo, existing)) return existing;
    throw new UsageError(
      `${APP_REPOSITORY}@${options.tag} in this state directory is not a published release (it has no ${BUNDLE_FILE})`,
      {
        hint: "run `demo --actions` with a new --state-dir (or none): the release is published when the world is made",
      },
    );
  }
  for (const needed of ["src/cli/bin.ts", ".github/workflows/dispatch.yml", "package.json"]) {
    const present = await access(join(options.packageRoot, needed)).then(
      () => true,
      () => false,
    );
    if (!present)
      throw new UsageError(
        `demo --actions publishes this project as a release, but ${options.packageRoot} has no ${needed}`,
        {
          hint: "run it from a clone of the project (`git clone`, `npm ci`, `npm run demo -- --actions`)",
        },
      );
  }
  const dir = options.workDir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${options.github.adminToken}`).toString("base64")}`;
  const env = {
    PATH: options.env.PATH,
    HOME: options.env.HOME,
    GIT_AUTHOR_NAME: "Task Assistant release",
    GIT_AUTHOR_EMAIL: "release@task-assistant.example",
    GIT_COMMITTER_NAME: "Task Assistant release",
    GIT_COMMITTER_EMAIL: "release@task-assistant.example",
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraheader",
    GIT_CONFIG_VALUE_0: header,
  };
  const run = (args: string[], extra: Record<string, string> = {}) =>
    git(dir, args, { env: { ...env, ...extra } });
  try {
    await run(["init", "--quiet", "--initial-branch=main", "."]);
    await run(["remote", "add", "origin", `${options.github.gitUrl}/${APP_REPOSITORY}`]);
    // The checkout's files as git would commit them; a linked node_modules (a symlink) is dropped.
    const index = join(dir, ".git", "snapshot-index");
    const inCheckout = ["--git-dir", join(dir, ".git"), "--work-tree", options.packageRoot];
    await run([...inCheckout, "add", "-A", "--", "."], { GIT_INDEX_FILE: index });
    await run([...inCheckout, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", "--", "node_modules"], {
      GIT_INDEX_FILE: index,
    });
    const tree = (await run(["write-tree"], { GIT_INDEX_FILE: index })).trim();
    await run(["fetch", "--quiet", "origin", "main"]);
    const base = (await run(["rev-parse", "FETCH_HEAD"])).trim();
    const sources = (await run(["commit-tree", tree, "-p", base, "-m", "Task Assistant sources"])).trim();
    await run(["reset", "--quiet", "--hard", sources]);
    await run(["push", "--quiet", "origin", "HEAD:refs/heads/main"]);
    // esbuild resolves the production dependencies from the checkout's installation.
    await symlink(join(options.packageRoot, "node_modules"), join(dir, "node_modules"));
    // A local release names no token broker: the runner machine supplies the demo's broker.
    const releaseOptions = { allowEmptyBroker: true, env };
    const prepared = await prepareRelease(dir, options.tag, releaseOptions);
    if (prepared.commit === undefined)
      throw new ExternalError(`release prepare ${options.tag} refused this checkout`, {
        hint: `${prepared.check.problems.map((problem) => JSON.stringify(problem)).join("; ")}; \`task-assistant release check ${options.tag}\` explains each`,
      });
    const published = await publishRelease(dir, options.tag, "origin", releaseOptions);
    if (!published.check.ok)
      throw new ExternalError(`release publish ${options.tag} refused the release commit`);
    return published.commit;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tagCommit(
  admin: GitHub,
  owner: string,
  repo: string,
  tag: string,
): Promise<string | undefined> {
  try {
    const { data } = await admin.rest.git.getRef({ owner, repo, ref: `tags/${tag}` });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

async function holdsBundle(admin: GitHub, owner: string, repo: string, sha: string): Promise<boolean> {
  try {
    await admin.rest.repos.getContent({ owner, repo, path: BUNDLE_FILE, ref: sha });
    return true;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
