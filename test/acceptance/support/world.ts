import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { main } from "../../../src/cli/main.js";
import { reportError } from "../../../src/cli/report-error.js";
import { captureIO } from "../../../src/cli/test-io.js";
import { CHANGELOG_PATH, REGISTRY_PATH } from "../../../src/registry/registry-types.js";
import { tagAppRelease } from "../../support/app-release-tags.js";
import { startTestGitHub, type TestGitHub } from "../../support/local-github.js";
import {
  appInstallation,
  APP_SLUG,
  ENGINE_REF,
  INFRA_REPO,
  maintainerToken,
  OPERATOR_TOKEN,
  worldSeed,
  type AppInstallation,
  type WorldSpec,
} from "./world-spec.js";

const exec = promisify(execFile);

type Env = Record<string, string | undefined>;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AcceptanceWorld {
  readonly github: TestGitHub;
  readonly spec: WorldSpec;
  /** The operator's clone of the infra repository (origin is the local GitHub, pushes authenticated). */
  readonly infraClone: string;
  /** A scratch directory for payload files and other clones; removed by `stop()`. */
  readonly scratch: string;
  /** The App's id and private key, as the seed created them. */
  readonly app: { readonly id: number; readonly privateKey: string };
  /**
   * Runs `task-assistant ARGS` in this process, as the binary does (typed errors become exit codes and
   * messages), with `env` as its whole environment.
   */
  cli(args: string[], options: { env: Env; cwd?: string }): Promise<CliRun>;
  /** The operator's environment: the local GitHub and the operator's own token. */
  operatorEnv(): Env;
  /** A maintainer's environment: the local GitHub and their personal token. */
  maintainerEnv(owner: string): Env;
  /** The dispatcher's environment on a run: the local GitHub, the App's credentials, the infra repository. */
  appEnv(): Env;
  /** The maintainer of `owner`'s hosts. */
  maintainerOf(owner: string): string;
  /**
   * The account owner changes the App's installation on `account` (as in GitHub's settings): every
   * repository, or only the named ones.
   */
  setAppInstallation(account: string, app: Exclude<AppInstallation, "none">): Promise<void>;
  /** Runs git in `cwd` with the operator's identity (never the machine's global one). */
  git(cwd: string, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const OPERATOR_IDENTITY = {
  GIT_AUTHOR_NAME: "Olivia Operator",
  GIT_AUTHOR_EMAIL: "olivia@example.com",
  GIT_COMMITTER_NAME: "Olivia Operator",
  GIT_COMMITTER_EMAIL: "olivia@example.com",
};

/**
 * Starts a local GitHub holding the world `spec` describes, with the infra repository bootstrapped
 * from what `task-assistant infra init` writes (main protected: pull requests only), and clones the
 * infra repository for the operator. Stop it with `stop()` in `afterAll`.
 */
export async function startWorld(spec: WorldSpec): Promise<AcceptanceWorld> {
  const scratch = await mkdtemp(join(tmpdir(), "ta-acceptance-"));
  try {
    const infraFiles = await initInfraFiles(join(scratch, "init"));
    const github = await startTestGitHub(worldSeed(spec, infraFiles));
    try {
      return await worldOn(github, spec, scratch);
    } catch (error) {
      await github.stop();
      throw error;
    }
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

async function worldOn(github: TestGitHub, spec: WorldSpec, scratch: string): Promise<AcceptanceWorld> {
  const seededApp = github.seeded?.apps.find((app) => app.slug === APP_SLUG);
  if (seededApp === undefined) throw new Error("the seed created no Task Assistant App");
  // The release and its channel, as `release publish` leaves them.
  await tagAppRelease(github, [ENGINE_REF, ENGINE_REF.replace(/^(v\d+)\..*$/, "$1")]);
  const git = async (cwd: string, ...args: string[]) => {
    const { stdout } = await exec("git", args, { cwd, env: { ...process.env, ...OPERATOR_IDENTITY } });
    return stdout.trim();
  };
  const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${OPERATOR_TOKEN}`).toString("base64")}`;
  const infraClone = join(scratch, "operator", "task-assistant-infra");
  await mkdir(join(scratch, "operator"), { recursive: true });
  await git(
    scratch,
    "-c",
    `http.extraHeader=${auth}`,
    "clone",
    "-q",
    `${github.gitUrl}/${INFRA_REPO}.git`,
    infraClone,
  );
  // The operator's clone keeps the credential, as a credential helper would, for `infra pr create`'s push.
  await git(infraClone, "config", "http.extraHeader", auth);

  const base = (): Env => ({ PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_API_URL: github.url });
  const customer = (owner: string) => {
    const found = spec.customers.find((candidate) => candidate.login === owner);
    if (found === undefined) throw new Error(`${owner} is not a customer of this world`);
    return found;
  };
  return {
    github,
    spec,
    infraClone,
    scratch,
    app: { id: seededApp.id, privateKey: seededApp.private_key },
    cli: (args, options) => runCli(args, options.env, options.cwd ?? scratch),
    operatorEnv: () => ({ ...base(), GH_TOKEN: OPERATOR_TOKEN, ...OPERATOR_IDENTITY }),
    maintainerEnv: (owner) => ({ ...base(), GITHUB_TOKEN: maintainerToken(customer(owner).maintainer) }),
    appEnv: () => ({
      ...base(),
      TA_APP_ID: String(seededApp.id),
      TA_APP_PRIVATE_KEY: seededApp.private_key,
      TA_APP_SLUG: APP_SLUG,
      TA_INFRA_REPO: INFRA_REPO,
    }),
    maintainerOf: (owner) => customer(owner).maintainer,
    async setAppInstallation(account, app) {
      await github.seed({ installations: appInstallation(account, app) });
    },
    git,
    async stop() {
      try {
        await github.stop();
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

async function runCli(args: string[], env: Env, cwd: string): Promise<CliRun> {
  const cap = captureIO({ env, cwd });
  let code: number;
  try {
    code = await main(args, cap.io);
  } catch (error) {
    code = reportError(error, cap.io);
  }
  return { code, stdout: cap.stdout(), stderr: cap.stderr() };
}

/** The files `task-assistant infra init` writes, as the operator commits them on main the first time. */
async function initInfraFiles(dir: string): Promise<Record<string, string>> {
  const init = await runCli(["infra", "init", dir], { PATH: process.env.PATH }, process.cwd());
  if (init.code !== 0) throw new Error(`infra init failed (exit ${init.code}): ${init.stderr}`);
  const files: Record<string, string> = {};
  for (const path of [REGISTRY_PATH, CHANGELOG_PATH, "README.md", ".gitignore"])
    files[path] = await readFile(join(dir, path), "utf8");
  return files;
}
