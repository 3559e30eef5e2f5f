import { idTokenClaims, type IdTokenJobFacts } from "../actions-runner/id-token-claims.js";
import { localGitHubIdToken } from "../actions-runner/local-github-id-token.js";
import { outcomeTable, recordDirectory } from "../cli/runtime/format-run-report.js";
import type { LocalGitHub } from "../emulator/start-local-github.js";
import { ExternalError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { APP_REPOSITORY, DISPATCH_WORKFLOW_PATH } from "../runtime/app-repository.js";
import type { EngineName } from "../runtime/engine.js";
import type { EngineOutcome } from "../runtime/run-engine.js";
import type { RunPlan } from "../runtime/run-plan.js";
import type { DemoHost } from "./demo-world.js";

/** Runs one `task-assistant` command; see `cliRunner` in run-demo.ts. */
export type CliRunner = (
  argv: string[],
  options?: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    quiet?: boolean;
    echo?: boolean;
    expect?: number[];
  },
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What one dispatched event ran: each job's outcome, and where its records went. */
export interface DispatchedRun {
  outcomes: EngineOutcome[];
  telemetryRepo?: string;
}

export interface EngineJobsContext {
  readonly cli: CliRunner;
  readonly github: LocalGitHub;
  readonly admin: GitHub;
  readonly brokerUrl: string;
  /** The release every host pins, and the commit of the App's repository it tags. */
  readonly release: { readonly tag: string; readonly sha: string };
  readonly say: (text: string) => void;
}

/** What a dispatcher run is started with: the event, its payload file, and the flags the demo adds. */
export interface DispatchedEvent {
  readonly host: DemoHost;
  readonly event: string;
  /** The payload file (absolute, or relative to `cwd`). */
  readonly payload: string;
  readonly cwd: string;
  readonly extra: readonly string[];
  readonly sender: string;
}

/** Facts of a host repository that go into its jobs' ID tokens. */
interface HostFacts {
  readonly repositoryId: number;
  readonly ownerId: number;
  readonly visibility: "public" | "private" | "internal";
  readonly headSha: string;
}

/**
 * Runs events as the host's dispatcher workflow runs them on GitHub Actions, one job at a time: the
 * plan job (`dispatch plan`), then preflight, then each engine of the plan, each as `engine run` in a
 * job of its own. Every engine job holds no App key: it has only its ACTIONS_ID_TOKEN_REQUEST_URL and
 * _TOKEN, which the local GitHub issued for the claims GitHub would give that job (the host's ids, the
 * event, `job_workflow_ref`/`job_workflow_sha` of the release's engine workflow), and the runtime's
 * broker client exchanges the job's ID token at the broker for an installation token.
 */
export function engineJobs(context: EngineJobsContext) {
  const requestIdToken = localGitHubIdToken({
    baseUrl: context.github.url,
    adminToken: context.github.adminToken,
  });
  const hosts = new Map<string, Promise<HostFacts>>();
  const actors = new Map<string, Promise<number>>();
  let runs = 0;

  const hostFacts = (host: DemoHost) => {
    const key = `${host.owner}/${host.repo}`;
    let facts = hosts.get(key);
    if (facts === undefined) {
      facts = readHostFacts(context.admin, host);
      hosts.set(key, facts);
    }
    return facts;
  };
  const actorId = (login: string) => {
    let id = actors.get(login);
    if (id === undefined) {
      id = context.admin.rest.users.getByUsername({ username: login }).then(({ data }) => data.id);
      actors.set(login, id);
    }
    return id;
  };

  /** The claims GitHub puts into the ID token of `engine`'s job in this run. */
  async function jobClaims(run: DispatchedEvent, engine: EngineName, runId: number) {
    const facts = await hostFacts(run.host);
    const repository = `${run.host.owner}/${run.host.repo}`;
    const job: IdTokenJobFacts = {
      repository,
      repositoryId: facts.repositoryId,
      repositoryOwnerId: facts.ownerId,
      repositoryVisibility: facts.visibility,
      actor: run.sender,
      actorId: await actorId(run.sender),
      eventName: run.event,
      ref: "refs/heads/main",
      sha: facts.headSha,
      baseRef: "",
      headRef: "",
      runId,
      runNumber: runId,
      runAttempt: 1,
      workflow: "task-assistant",
      workflowRef: `${repository}/${DISPATCH_WORKFLOW_PATH}@refs/heads/main`,
      workflowSha: facts.headSha,
      jobWorkflowRef: `${APP_REPOSITORY}/.github/workflows/engine-${engine}.yml@refs/tags/${context.release.tag}`,
      jobWorkflowSha: context.release.sha,
      runnerEnvironment: "github-hosted",
    };
    return idTokenClaims(job);
  }

  /** One engine job: `engine run NAME` with the job's OIDC request credentials and no key. */
  async function runJob(
    run: DispatchedEvent,
    plan: RunPlan,
    engine: EngineName,
    runId: number,
    telemetryRepo: string | undefined,
  ): Promise<EngineOutcome & { telemetry_repo?: string; passed?: boolean }> {
    const oidc = await requestIdToken(await jobClaims(run, engine, runId));
    const flags = [
      "--target-repo",
      plan.target_repo,
      "--correlation-id",
      plan.correlation_id,
      "--engine-ref",
      plan.engine_ref,
      "--runtime-mode",
      plan.runtime_mode,
      ...(plan.config_ref ? ["--config-ref", plan.config_ref] : []),
    ];
    const specific =
      engine === "preflight"
        ? [
            "--mode",
            plan.mode,
            ...(plan.issue_number === undefined ? [] : ["--issue", String(plan.issue_number)]),
          ]
        : [
            "--telemetry-repo",
            telemetryRepo ?? "",
            ...(engine === "enforce" ? ["--issue", String(plan.issue_number)] : []),
            ...(engine === "enforce" && plan.label_added !== undefined
              ? ["--label-added", plan.label_added]
              : []),
          ];
    const result = await context.cli(["engine", "run", engine, ...flags, ...specific, "--json"], {
      cwd: run.cwd,
      quiet: true,
      echo: false,
      env: {
        // An engine job on GitHub Actions: no App key, no token, only its OIDC request credentials.
        TA_APP_ID: undefined,
        TA_APP_PRIVATE_KEY: undefined,
        TA_APP_PRIVATE_KEY_FILE: undefined,
        GITHUB_TOKEN: undefined,
        GH_TOKEN: undefined,
        TA_TOKEN_BROKER_URL: context.brokerUrl,
        ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.token,
      },
    });
    return JSON.parse(result.stdout) as EngineOutcome & { telemetry_repo?: string; passed?: boolean };
  }

  return {
    /** Plans the event and runs its jobs; prints the plan and a table of the engines' outcomes. */
    async dispatch(run: DispatchedEvent): Promise<DispatchedRun> {
      const planned = await context.cli(
        [
          "dispatch",
          "plan",
          "--event",
          run.event,
          "--payload",
          run.payload,
          "--repo",
          `${run.host.owner}/${run.host.repo}`,
          "--engine-ref",
          context.release.tag,
          ...run.extra,
        ],
        { cwd: run.cwd, quiet: true },
      );
      const plan = JSON.parse(planned.stdout) as RunPlan;
      runs += 1;
      const runId = 7_000_000 + runs;
      context.say(
        `     run ${plan.correlation_id} · ${plan.mode} · ${plan.target_repo} · engine_ref ${plan.engine_ref}\n` +
          `     jobs ${plan.engines.join(" → ")}, each \`engine run\` with its own OIDC token, exchanged at the broker\n`,
      );
      const outcomes: EngineOutcome[] = [];
      let telemetryRepo: string | undefined;
      for (const engine of plan.engines) {
        const outcome = await runJob(run, plan, engine, runId, telemetryRepo);
        if (engine === "preflight") {
          telemetryRepo = outcome.telemetry_repo;
          if (outcome.passed !== true || telemetryRepo === undefined)
            throw new ExternalError(`preflight did not pass for ${plan.target_repo}: ${outcome.summary}`);
        }
        outcomes.push(outcome);
      }
      // The records share one directory, named once: each row shows only its file.
      const directory = recordDirectory(outcomes);
      context.say(
        `${outcomeTable(outcomes, directory === undefined ? {} : { recordsUnder: directory })
          .map((line) => `     ${line}`.trimEnd())
          .join(
            "\n",
          )}\n${directory === undefined ? "" : `     records in ${directory}/ of ${telemetryRepo ?? "the telemetry repository"}\n`}`,
      );
      return { outcomes, ...(telemetryRepo === undefined ? {} : { telemetryRepo }) };
    },
  };
}

async function readHostFacts(admin: GitHub, host: DemoHost): Promise<HostFacts> {
  const { data } = await admin.rest.repos.get({ owner: host.owner, repo: host.repo });
  const { data: branch } = await admin.rest.repos.getBranch({
    owner: host.owner,
    repo: host.repo,
    branch: data.default_branch,
  });
  return {
    repositoryId: data.id,
    ownerId: data.owner.id,
    visibility: (data.visibility ?? (data.private ? "private" : "public")) as HostFacts["visibility"],
    headSha: branch.commit.sha,
  };
}
