import { fileURLToPath } from "node:url";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIO } from "../cli/command.js";
import { main } from "../cli/main.js";
import { startLocalGitHub, type LocalGitHub } from "../emulator/start-local-github.js";
import { ExternalError } from "../errors.js";
import { createGitHub, type GitHub } from "../github/octokit.js";
import { git } from "../infra/git.js";
import { BROKER_AUDIENCE, BROKER_TOKEN_PATH } from "../github/broker-token-provider.js";
import { idTokenClaims } from "../actions-runner/id-token-claims.js";
import { APP_REPOSITORY, DISPATCH_WORKFLOW_PATH } from "../runtime/app-repository.js";
import { recordWarnings } from "./record-warnings.js";
import { engineJobs, type CliRunner, type DispatchedEvent, type DispatchedRun } from "./run-engine-jobs.js";
import { publishDemoRelease } from "./publish-demo-release.js";
import { workflowJobs } from "./run-workflow-jobs.js";
import { PACKAGE_ROOT } from "../util/package-root.js";
import { ensureRelease, startDemoBroker, type DemoBroker } from "./start-demo-broker.js";
import {
  APP_SLUG,
  DEMO_HOSTS,
  demoWorld,
  INFRA_REPO,
  OPERATOR_TOKEN,
  TELEMETRY_NAME,
  type DemoHost,
} from "./demo-world.js";
import { serveDemoDashboards, type DemoDashboardServer } from "./serve-demo-dashboards.js";

export interface DemoOptions {
  /** Keep the world here (a fresh temporary directory when absent). */
  stateDir?: string;
  /** Port of the local GitHub (a free one when absent). */
  port?: number;
  /** Port of the dashboard page (a free one when absent). */
  dashboardPort?: number;
  /** Port of the token broker (a free one when absent). */
  brokerPort?: number;
  /** Serve the dashboards when the run is done (default true); `demo --exit` binds no port. */
  serveDashboards?: boolean;
  /** The release every host pins (`v<package version>`). */
  engineRef: string;
  /** Writes the account of each step. */
  say(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Run every dispatched event through the workflow files on the Actions runner (the host's installed
   * dispatcher, the App repository's dispatch.yml and engine workflows at a release published from
   * this checkout) instead of running its jobs as CLI commands one by one.
   */
  actions?: boolean;
  /** Dispatch the events of these hosts only (`owner/repo`); every host is still registered and installed. */
  hosts?: readonly string[];
  /** Aborted when the demo is interrupted: it stops between steps and inside requests, then cleans up. */
  signal?: AbortSignal;
}

export interface DemoSession {
  github: LocalGitHub;
  /** The operator's checkout of the infra repository. */
  infraCheckout: string;
  /** The dashboard page's server; absent when `serveDashboards` was false. */
  dashboards: DemoDashboardServer | undefined;
  /** The token broker the engine jobs got their installation tokens from. */
  broker: DemoBroker;
  /** The commit of the release the hosts pin, in the App's repository. */
  release: { tag: string; sha: string };
  stateDir: string;
  /** Stops the servers and removes a temporary state directory. */
  stop(): Promise<void>;
}

const MAINTAINER_TOKENS: Record<string, string> = {
  acme: "ghp_demo_maintainer_maria_00000000000000",
  globex: "ghp_demo_maintainer_gus_0000000000000000",
};

/**
 * Runs the whole system offline, as an operator and maintainers would: a local GitHub with a seeded
 * world, the infra registry changed through a pull request, hosts installed, every mode dispatched,
 * dashboards built and served. Each step is a real `task-assistant` command.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSession> {
  const temporary = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), "task-assistant-demo-")));
  await mkdir(stateDir, { recursive: true });
  const resuming = !temporary && (await readdir(stateDir)).includes("github");
  const say = (text: string) => options.say(text);

  say(`Task Assistant demo: everything below runs offline, against a local GitHub on this machine.\n`);
  say(
    `Commands are shown as \`task-assistant\`: in this clone that is \`node ${quoteArg(fileURLToPath(new URL("../cli/bin.js", import.meta.url)))}\`\n` +
      "(`npm link` in the clone puts it on PATH); paths in them are absolute.\n",
  );
  step(say, 1, "Start the local GitHub and the token broker");
  const world = demoWorld();
  const github = await startLocalGitHub({
    stateDir: join(stateDir, "github"),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(resuming ? {} : { seed: { ...world, tokens: [...(world.tokens ?? []), ...maintainerTokens()] } }),
  });
  let dashboards: DemoDashboardServer | undefined;
  let broker: DemoBroker | undefined;
  try {
    const admin = createGitHub({ baseUrl: github.url, auth: github.adminToken, signal: options.signal });
    const app = await appCredentials(github, stateDir);
    const release = {
      tag: options.engineRef,
      sha: options.actions
        ? await publishDemoRelease({
            github,
            admin,
            packageRoot: PACKAGE_ROOT,
            tag: options.engineRef,
            workDir: join(stateDir, "release"),
            env: options.env,
          })
        : await ensureRelease(admin, options.engineRef),
    };
    broker = await startDemoBroker({
      github,
      app,
      logFile: join(stateDir, "broker.log"),
      ...(options.brokerPort === undefined ? {} : { port: options.brokerPort }),
    });
    say(
      `   REST API  ${github.url}\n   git       ${github.gitUrl}/<owner>/<repo>.git\n` +
        `   OIDC      ${github.oidcIssuer}  (issues the ID tokens of simulated Actions jobs)\n` +
        `   broker    ${broker.url}  (token broker: holds the App key; log ${broker.logFile})\n` +
        `   release   ${APP_REPOSITORY}@${release.tag} = ${release.sha.slice(0, 12)}\n   state     ${stateDir}\n`,
    );
    if (options.actions)
      say(
        `   actions   every event runs the host's ${DISPATCH_WORKFLOW_PATH} on the Actions runner:\n` +
          `             dispatch.yml@${release.tag} → engine-*.yml, each job checking out the release (published from\n` +
          `             this checkout with \`release prepare\` and \`release publish\`) and running its bundle\n`,
      );
    if (resuming) {
      say("   This state directory already holds the demo world: set-up is skipped, runs are added.\n");
    } else {
      say(
        "   Seeded: orgs task-assistant-ops (operators), acme and globex (customers); the infra repository;\n" +
          "   a telemetry repository per customer org; hosts acme/widgets, acme/widgets-sandbox, globex/portal\n" +
          `   with issues whose labels conflict; the App's repository ${APP_REPOSITORY} tagged ${release.tag};\n` +
          "   the Task Assistant App installed on every org. Only the broker uses the App's key for engine jobs.\n",
      );
    }
    const env = demoEnv(options.env, github, app);
    const cli = cliRunner(env, say, options.signal);
    const work = join(stateDir, "operator");
    const jobs = options.actions
      ? workflowJobs({
          github,
          admin,
          brokerUrl: broker.url,
          infraRepo: INFRA_REPO,
          workRoot: join(stateDir, "actions"),
          env: options.env,
          say,
          signal: options.signal,
        })
      : engineJobs({ cli, github, admin, brokerUrl: broker.url, release, say });

    if (!resuming) {
      await bootstrapInfra(github, cli, work, say);
      await registerHosts(cli, work, say);
      await installHosts(cli, options.engineRef, say);
    }
    const payloads = join(stateDir, "payloads");
    await mkdir(payloads, { recursive: true });
    const dispatched = DEMO_HOSTS.filter(
      (host) => options.hosts === undefined || options.hosts.includes(`${host.owner}/${host.repo}`),
    );
    await dispatchModes(jobs, dispatched, payloads, say, admin);
    await showRefusal(github, broker, release, say, admin);
    await buildDashboards(cli, dispatched, say);

    if (options.serveDashboards !== false) {
      dashboards = await serveDemoDashboards({
        github: admin,
        orgs: [...new Set(DEMO_HOSTS.map((host) => host.owner))],
        telemetryName: TELEMETRY_NAME,
        port: options.dashboardPort ?? 0,
      });
      say(`\nDashboards: ${dashboards.url}\n`);
    }
    const served = dashboards;
    const runningBroker = broker;
    return {
      github,
      dashboards: served,
      broker: runningBroker,
      release,
      stateDir,
      infraCheckout: join(work, "task-assistant-infra"),
      async stop() {
        await served?.stop();
        await runningBroker.stop();
        await github.stop();
        if (temporary) await rm(stateDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await dashboards?.stop();
    await broker?.stop();
    await github.stop();
    if (temporary) await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

function maintainerTokens() {
  return [
    { token: MAINTAINER_TOKENS.acme, user: "maria" },
    { token: MAINTAINER_TOKENS.globex, user: "gus" },
  ];
}

function step(say: (text: string) => void, number: number, title: string): void {
  say(`\n${number}. ${title}\n`);
}

interface AppCredentials {
  id: number;
  privateKey: string;
}

/**
 * The App's id and private key: from the seed result on the first run, kept beside the world so a
 * resumed demo can act as the App again.
 */
async function appCredentials(github: LocalGitHub, stateDir: string): Promise<AppCredentials> {
  const file = join(stateDir, "app-credentials.json");
  const app = github.seeded?.apps.find((candidate) => candidate.slug === APP_SLUG);
  if (app) {
    const credentials = { id: app.id, privateKey: app.private_key };
    await writeFile(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
    return credentials;
  }
  try {
    return JSON.parse(await readFile(file, "utf8")) as AppCredentials;
  } catch (error) {
    throw new ExternalError(`cannot read the demo App's credentials from ${file}`, {
      cause: error,
      hint: "run the demo with a new --state-dir (or none) to start a fresh world",
    });
  }
}

/** The environment every command runs with: the local GitHub, the App's credentials, the infra repo. */
function demoEnv(
  base: Readonly<Record<string, string | undefined>>,
  github: LocalGitHub,
  app: AppCredentials,
): Record<string, string | undefined> {
  return {
    PATH: base.PATH,
    HOME: base.HOME,
    TASK_ASSISTANT_HOME: base.TASK_ASSISTANT_HOME,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: github.gitUrl,
    TA_APP_ID: String(app.id),
    TA_APP_PRIVATE_KEY: app.privateKey,
    TA_APP_SLUG: APP_SLUG,
    TA_INFRA_REPO: INFRA_REPO,
    GIT_AUTHOR_NAME: "Olivia Operator",
    GIT_AUTHOR_EMAIL: "olivia@task-assistant.example",
    GIT_COMMITTER_NAME: "Olivia Operator",
    GIT_COMMITTER_EMAIL: "olivia@task-assistant.example",
  };
}

/** Runs a `task-assistant` command in this process, echoing it like a terminal session. */
function cliRunner(
  baseEnv: Record<string, string | undefined>,
  say: (text: string) => void,
  signal: AbortSignal | undefined,
): CliRunner {
  return async (argv, options = {}) => {
    signal?.throwIfAborted();
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: { ...baseEnv, ...options.env },
      cwd: options.cwd ?? process.cwd(),
      interactive: false,
      signal: signal ?? new AbortController().signal,
    };
    // Commands run in a directory of their own are shown with it, so each line pastes as printed.
    const where = options.cwd === undefined ? "" : `cd ${quoteArg(options.cwd)} && `;
    if (options.echo !== false) say(`   $ ${where}task-assistant ${argv.map(quoteArg).join(" ")}\n`);
    const code = await main(argv, io).catch(async (error: unknown) => {
      const { reportError } = await import("../cli/report-error.js");
      return reportError(error, io);
    });
    // An interrupted step ends the demo, however the step reported it.
    signal?.throwIfAborted();
    const stdout = out.join("");
    const stderr = err.join("");
    if (!options.quiet) say(indent(stdout));
    if (!(options.expect ?? [0]).includes(code)) {
      if (options.quiet) say(indent(stdout));
      say(indent(stderr));
      throw new ExternalError(`the demo step \`task-assistant ${argv.join(" ")}\` exited ${code}`, {
        hint: "the output above says why",
      });
    }
    if (stderr.trim() !== "" && code !== 0) say(indent(stderr));
    return { code, stdout, stderr };
  };
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

function indent(text: string): string {
  const trimmed = text.replace(/\s+$/, "");
  return trimmed === "" ? "" : `${trimmed.replace(/^/gm, "     ")}\n`;
}

async function bootstrapInfra(
  github: LocalGitHub,
  cli: CliRunner,
  work: string,
  say: (text: string) => void,
) {
  step(say, 2, "The operator starts the infra registry and protects its main branch");
  await mkdir(work, { recursive: true });
  const infraDir = join(work, "task-assistant-infra");
  const auth = `Authorization: Basic ${Buffer.from(`x-access-token:${OPERATOR_TOKEN}`).toString("base64")}`;
  say(`   $ git clone ${github.gitUrl}/${INFRA_REPO}.git\n`);
  await git(work, ["-c", `http.extraHeader=${auth}`, "clone", "-q", `${github.gitUrl}/${INFRA_REPO}.git`]);
  // The operator's clone keeps the credential for the pushes `infra pr create` makes.
  await git(infraDir, ["config", "http.extraHeader", auth]);
  await cli(["infra", "init", "."], { cwd: infraDir });
  await git(infraDir, ["checkout", "-q", "-B", "main"]);
  await git(infraDir, ["add", "-A"]);
  await git(infraDir, ["commit", "-q", "-m", "Start the Task Assistant infra registry"]);
  await git(infraDir, ["push", "-q", "origin", "main"]);
  say("   $ git commit && git push origin main\n");
  // One operator here, who cannot approve their own pull request: none required, a PR still is.
  await cli(["infra", "protect", "--approvals", "0"], { cwd: infraDir, env: { GH_TOKEN: OPERATOR_TOKEN } });
  say(`   main of ${INFRA_REPO} is now protected: registry changes land only through pull requests.\n`);
}

async function registerHosts(cli: CliRunner, work: string, say: (text: string) => void) {
  step(say, 3, "The operator registers three repositories through a pull request");
  const cwd = join(work, "task-assistant-infra");
  const env = { GH_TOKEN: OPERATOR_TOKEN };
  await cli(["infra", "branch", "onboard-acme-and-globex"], { cwd });
  const withTelemetry = new Set<string>();
  for (const host of DEMO_HOSTS) {
    const first = !withTelemetry.has(host.owner);
    withTelemetry.add(host.owner);
    await cli(
      [
        "infra",
        "register",
        "--owner",
        host.owner,
        "--repo",
        host.repo,
        "--context",
        host.context,
        ...(first ? ["--telemetry-repo", TELEMETRY_NAME] : []),
        "--reason",
        host.reason,
      ],
      { cwd },
    );
  }
  await cli(["infra", "finalize"], { cwd });
  await git(cwd, ["commit", "-q", "-m", "Register acme/widgets, acme/widgets-sandbox and globex/portal"]);
  say('   $ git commit -m "Register acme/widgets, acme/widgets-sandbox and globex/portal"\n');
  await cli(["infra", "pr", "create"], { cwd, env });
  await cli(["infra", "pr", "merge"], { cwd, env });
  await cli(["infra", "list"], { cwd });
}

async function installHosts(cli: CliRunner, engineRef: string, say: (text: string) => void) {
  step(say, 4, `Maintainers install Task Assistant ${engineRef} into their repositories`);
  for (const host of DEMO_HOSTS) {
    // Hosts follow the release's channel (v1 for v1.4.0); any other ref installs as is.
    const channel = /^v\d+\.\d+\.\d+$/.test(engineRef) ? engineRef.replace(/\..*$/, "") : engineRef;
    await cli(["install", "--repo", `${host.owner}/${host.repo}`, "--ref", channel], {
      env: {
        TA_APP_ID: undefined,
        TA_APP_PRIVATE_KEY: undefined,
        GITHUB_TOKEN: MAINTAINER_TOKENS[host.owner],
      },
    });
  }
}

async function dispatchModes(
  jobs: { dispatch(run: DispatchedEvent): Promise<DispatchedRun> },
  hosts: readonly DemoHost[],
  payloads: string,
  say: (text: string) => void,
  admin: GitHub,
) {
  let sequence = 0;
  const dispatch = async (host: DemoHost, event: string, payload: unknown, extra: string[] = []) => {
    sequence += 1;
    // Absolute, so the printed command pastes as is from any directory.
    const name = join(
      payloads,
      `${String(sequence).padStart(2, "0")}-${host.owner}-${host.repo}-${event}.json`,
    );
    await writeFile(name, `${JSON.stringify(payload, null, 2)}\n`);
    return jobs.dispatch({
      host,
      event,
      payload: name,
      cwd: join(payloads, ".."),
      extra,
      sender: senderOf(host),
    });
  };
  const manual = (host: DemoHost, mode: string) =>
    dispatch(host, "workflow_dispatch", dispatchPayload(host, mode), ["--mode", mode]);

  step(say, 5, "materialize: create the labels and milestones each config declares");
  for (const host of hosts) await manual(host, "materialize");

  step(say, 6, "validate: check each config and the repository against it (changes nothing)");
  for (const host of hosts) await manual(host, "validate");

  step(say, 7, "enforce: issue events arrive; each issue's labels and milestone are made consistent");
  for (const host of hosts) {
    for (const number of host.conflicted) {
      const before = await readIssue(admin, host, number);
      const ran = await dispatch(host, "issues", issuePayload(host, number, before.labels.at(-1) ?? ""));
      const after = await readIssue(admin, host, number);
      const warnings = await enforceWarnings(admin, ran);
      say(
        `   ${host.owner}/${host.repo}#${number} "${before.title}"\n` +
          `     labels    ${before.labels.join(", ") || "(none)"}  →  ${after.labels.join(", ") || "(none)"}\n` +
          `     milestone ${before.milestone ?? "(none)"}  →  ${after.milestone ?? "(none)"}\n` +
          `     warnings  ${warnings.join("; ") || "(none)"}\n`,
      );
    }
  }

  step(say, 8, "self-test: validate plus a dry-run materialize, then the repository's dashboard");
  for (const host of hosts) await manual(host, "self-test");
}

/** What the run's enforce record warns about (rules in warn or fail mode, unmapped phases, ...). */
async function enforceWarnings(github: GitHub, ran: DispatchedRun): Promise<string[]> {
  const enforce = ran.outcomes.find((outcome) => outcome.engine === "enforce");
  if (enforce?.record_path === undefined || ran.telemetryRepo === undefined) return [];
  const [owner, repo] = ran.telemetryRepo.split("/") as [string, string];
  const { data } = await github.rest.repos.getContent({ owner, repo, path: enforce.record_path });
  const text = Buffer.from((data as { content: string }).content, "base64").toString("utf8");
  return recordWarnings(JSON.parse(text));
}

async function readIssue(github: GitHub, host: DemoHost, number: number) {
  const { data } = await github.rest.issues.get({ owner: host.owner, repo: host.repo, issue_number: number });
  return {
    title: data.title,
    labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))),
    milestone: data.milestone?.title,
  };
}

function senderOf(host: DemoHost): string {
  return host.owner === "globex" ? "gus" : "maria";
}

/**
 * One refusal, shown on the wire: a job that names the release's enforce workflow but whose
 * `job_workflow_sha` is the host's own commit (an edited copy of the workflow) asks for a token.
 */
async function showRefusal(
  github: LocalGitHub,
  broker: DemoBroker,
  release: { tag: string; sha: string },
  say: (text: string) => void,
  admin: GitHub,
) {
  step(say, 9, "The broker refuses a job that does not run a release's engine workflow");
  const host = DEMO_HOSTS[0];
  const repository = `${host.owner}/${host.repo}`;
  const { data: repo } = await admin.rest.repos.get({ owner: host.owner, repo: host.repo });
  const { data: branch } = await admin.rest.repos.getBranch({
    owner: host.owner,
    repo: host.repo,
    branch: "main",
  });
  const { data: actor } = await admin.rest.users.getByUsername({ username: senderOf(host) });
  const claims = idTokenClaims({
    repository,
    repositoryId: repo.id,
    repositoryOwnerId: repo.owner.id,
    repositoryVisibility: "private",
    actor: actor.login,
    actorId: actor.id,
    eventName: "issues",
    ref: "refs/heads/main",
    sha: branch.commit.sha,
    baseRef: "",
    headRef: "",
    runId: 7_999_999,
    runNumber: 1,
    runAttempt: 1,
    workflow: "task-assistant",
    workflowRef: `${repository}/${DISPATCH_WORKFLOW_PATH}@refs/heads/main`,
    workflowSha: branch.commit.sha,
    jobWorkflowRef: `${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@refs/tags/${release.tag}`,
    // The host's own commit, not the release's: what a job running an edited copy would carry.
    jobWorkflowSha: branch.commit.sha,
    runnerEnvironment: "github-hosted",
  });
  const minted = await fetch(`${github.url}/_emulator/actions/id-token`, {
    method: "POST",
    headers: { authorization: `token ${github.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ claims, audience: BROKER_AUDIENCE }),
  });
  const { value } = (await minted.json()) as { value: string };
  const response = await fetch(`${broker.url}${BROKER_TOKEN_PATH}`, {
    method: "POST",
    headers: { authorization: `Bearer ${value}`, "content-type": "application/json" },
    body: JSON.stringify({ owner: host.owner, repositories: [host.repo], permissions: { issues: "write" } }),
  });
  const body = (await response.json()) as { code?: string; message?: string };
  say(
    `   A job of ${repository} names ${APP_REPOSITORY}/.github/workflows/engine-enforce.yml@${release.tag}\n` +
      `   but its job_workflow_sha is ${branch.commit.sha.slice(0, 12)}, not the release's ${release.sha.slice(0, 12)}:\n` +
      `   POST ${broker.url}${BROKER_TOKEN_PATH} → ${response.status} ${body.code ?? "(no code)"}: ${body.message ?? ""}\n`,
  );
  if (response.ok)
    throw new ExternalError("the token broker granted a token to a job that is not a release's", {
      hint: "the broker's release check is broken; see its log",
    });
}

function repositoryOf(host: DemoHost) {
  return { full_name: `${host.owner}/${host.repo}`, name: host.repo, owner: { login: host.owner } };
}

function dispatchPayload(host: DemoHost, mode: string) {
  return {
    inputs: { mode },
    ref: "refs/heads/main",
    repository: repositoryOf(host),
    sender: { login: senderOf(host), type: "User" },
  };
}

function issuePayload(host: DemoHost, number: number, label: string) {
  return {
    action: "labeled",
    issue: { number },
    label: { name: label },
    repository: repositoryOf(host),
    sender: { login: senderOf(host), type: "User" },
  };
}

async function buildDashboards(cli: CliRunner, hosts: readonly DemoHost[], say: (text: string) => void) {
  step(say, 10, "Dashboards: each org's telemetry becomes its dashboards, published in its telemetry repo");
  const orgs = new Map<string, string[]>();
  for (const host of hosts)
    orgs.set(host.owner, [...(orgs.get(host.owner) ?? []), `${host.owner}/${host.repo}`]);
  for (const [owner, repos] of orgs) {
    await cli([
      "dashboard",
      "build",
      "--repo",
      `${owner}/${TELEMETRY_NAME}`,
      ...repos.flatMap((repo) => ["--expect", repo]),
    ]);
  }
  say(`   Raw records stay under telemetry/v1/repos/; dashboards are under telemetry/v1/dashboards/.\n`);
}
