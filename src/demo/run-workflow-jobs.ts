import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { gitWorkflowFiles } from "../actions-runner/git-workflow-files.js";
import { localGitHubIdToken } from "../actions-runner/local-github-id-token.js";
import type { JobResult, RunResult } from "../actions-runner/run-types.js";
import { startWorkflowRun } from "../actions-runner/run-workflow.js";
import { outcomeTable, recordDirectory } from "../cli/runtime/format-run-report.js";
import { compareEngines } from "../dashboard/compare-engines.js";
import type { LocalGitHub } from "../emulator/start-local-github.js";
import { ExternalError } from "../errors.js";
import type { GitHub } from "../github/octokit.js";
import { DISPATCH_WORKFLOW_PATH } from "../runtime/app-repository.js";
import type { EngineName } from "../runtime/engine.js";
import type { EngineOutcome } from "../runtime/run-engine.js";
import type { DispatchedEvent, DispatchedRun } from "./run-engine-jobs.js";

export interface WorkflowJobsContext {
  readonly github: LocalGitHub;
  readonly admin: GitHub;
  readonly brokerUrl: string;
  /** The infra repository, as the runner machine's environment names it (TA_INFRA_REPO). */
  readonly infraRepo: string;
  /** Job workspaces and the workflow cache go under this directory. */
  readonly workRoot: string;
  /** PATH and HOME the runner's steps start from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly say: (text: string) => void;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs events as GitHub Actions runs them, through the workflow files themselves: the host's installed
 * `task-assistant-dispatch.yml` (read from the host's main), which calls the App repository's
 * `dispatch.yml` at the channel, whose plan, preflight and engine jobs check out the release at their
 * `job_workflow_sha` and run its bundle. Each job's ID token comes from the local GitHub's issuer, and
 * the engines exchange it at the broker. Prints every job that ran with its conclusion and duration,
 * then the engines' records (read back from the telemetry repository).
 */
export function workflowJobs(context: WorkflowJobsContext) {
  const requestIdToken = localGitHubIdToken({
    baseUrl: context.github.url,
    adminToken: context.github.adminToken,
  });
  const actors = new Map<string, Promise<number>>();
  let runs = 0;
  const actorId = (login: string) => {
    let id = actors.get(login);
    if (id === undefined) {
      id = context.admin.rest.users.getByUsername({ username: login }).then(({ data }) => data.id);
      actors.set(login, id);
    }
    return id;
  };

  return {
    async dispatch(run: DispatchedEvent): Promise<DispatchedRun> {
      context.signal?.throwIfAborted();
      const { owner, repo } = run.host;
      const fullName = `${owner}/${repo}`;
      const path = isAbsolute(run.payload) ? run.payload : join(run.cwd, run.payload);
      const payload = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
      const { data: repository } = await context.admin.rest.repos.get({ owner, repo });
      const { data: branch } = await context.admin.rest.repos.getBranch({
        owner,
        repo,
        branch: repository.default_branch,
      });
      runs += 1;
      const runId = 8_000_000 + runs;
      const handle = startWorkflowRun({
        // One reader per run: GitHub resolves each `uses:` ref once, when the run starts.
        files: gitWorkflowFiles({
          gitUrl: context.github.gitUrl,
          token: context.github.adminToken,
          cacheDir: join(context.workRoot, "workflow-cache"),
        }),
        repository: {
          fullName,
          id: repository.id,
          ownerId: repository.owner.id,
          visibility: (repository.visibility ?? (repository.private ? "private" : "public")) as
            "public" | "private" | "internal",
        },
        workflowPath: DISPATCH_WORKFLOW_PATH,
        event: { name: run.event, payload },
        ref: `refs/heads/${repository.default_branch}`,
        sha: branch.commit.sha,
        actor: { login: run.sender, id: await actorId(run.sender) },
        // The jobs' GITHUB_TOKEN: none. The App's repository is public (the checkout needs no
        // token), and the engines get theirs from the broker.
        github: {
          gitUrl: context.github.gitUrl,
          apiUrl: context.github.url,
          serverUrl: context.github.url,
          token: "",
        },
        runId,
        workRoot: join(context.workRoot, "runs"),
        killGraceMs: 2_000,
        cleanupTimeoutMs: 30_000,
        requestIdToken,
        // The demo's release names no broker: the runner machine supplies the demo's own.
        baseEnv: {
          PATH: context.env.PATH ?? "/usr/bin:/bin",
          HOME: context.env.HOME ?? context.workRoot,
          LANG: "C.UTF-8",
          TA_TOKEN_BROKER_URL: context.brokerUrl,
          TA_INFRA_REPO: context.infraRepo,
        },
      });
      const onAbort = () => handle.cancel();
      context.signal?.addEventListener("abort", onAbort, { once: true });
      const result = await handle.result.finally(() => context.signal?.removeEventListener("abort", onAbort));
      context.signal?.throwIfAborted();
      context.say(
        `     run ${runId} of ${fullName}/${DISPATCH_WORKFLOW_PATH} (${run.event}) on the Actions runner\n`,
      );
      context.say(jobLines(result).join(""));
      if (result.conclusion !== "success") {
        throw new ExternalError(`the ${run.event} run of ${fullName} ended ${result.conclusion}`, {
          hint: `the jobs' logs:\n${failedLogs(result)}`,
        });
      }
      const jobs = flatten(result.jobs);
      const correlationId = jobs.find((job) => job.id === "plan")?.outputs.correlation_id;
      const telemetryRepo = jobs.find((job) => job.id === "preflight" && job.jobs.length > 0)?.outputs
        .telemetry_repo;
      if (correlationId === undefined || telemetryRepo === undefined || telemetryRepo === "")
        throw new ExternalError(
          `the ${run.event} run of ${fullName} named no correlation id or telemetry repository`,
          {
            hint: `the jobs' outputs: ${JSON.stringify(jobs.map((job) => [job.key, job.outputs]))}`,
          },
        );
      const outcomes = await readOutcomes(context.admin, telemetryRepo, fullName, correlationId);
      const directory = recordDirectory(outcomes);
      context.say(
        `${outcomeTable(outcomes, directory === undefined ? {} : { recordsUnder: directory })
          .map((line) => `     ${line}`.trimEnd())
          .join(
            "\n",
          )}\n${directory === undefined ? "" : `     records in ${directory}/ of ${telemetryRepo}\n`}`,
      );
      return { outcomes, telemetryRepo };
    },
  };
}

function flatten(jobs: readonly JobResult[]): JobResult[] {
  return jobs.flatMap((job) => [job, ...flatten(job.jobs)]);
}

/**
 * One line per job that ran a runner (a job calling a reusable workflow is shown through its jobs),
 * with its conclusion and duration; jobs skipped by their `if:` are counted on one line.
 */
export function jobLines(result: RunResult): string[] {
  const leaves = flatten(result.jobs).filter((job) => job.jobs.length === 0);
  const ran = leaves.filter((job) => job.result !== "skipped");
  const skipped = leaves.filter((job) => job.result === "skipped");
  const width = Math.max(0, ...ran.map((job) => job.name.length));
  const lines = ran.map(
    (job) =>
      `     job ${job.name.padEnd(width)}  ${job.result.padEnd(7)}  ${(job.durationMs / 1000).toFixed(1).padStart(5)} s\n`,
  );
  if (skipped.length > 0)
    lines.push(
      `     skipped by their if: ${skipped.map((job) => job.name.replace(/^.* \/ /, "")).join(", ")}\n`,
    );
  lines.push(`     run ${result.conclusion} in ${(result.durationMs / 1000).toFixed(1)} s\n`);
  return lines;
}

function failedLogs(result: RunResult): string {
  return flatten(result.jobs)
    .filter((job) => job.jobs.length === 0 && job.result === "failure")
    .map((job) => `--- ${job.name}\n${job.log.split("\n").slice(-40).join("\n")}`)
    .join("\n");
}

/** The records a run wrote, read back from the telemetry repository, as engine outcomes. */
async function readOutcomes(
  admin: GitHub,
  telemetryRepo: string,
  target: string,
  correlationId: string,
): Promise<EngineOutcome[]> {
  const [owner, repo] = telemetryRepo.split("/") as [string, string];
  const { data } = await admin.rest.git.getTree({ owner, repo, tree_sha: "main", recursive: "true" });
  const prefix = `telemetry/v1/repos/${target.replace("/", "-")}/`;
  const paths = data.tree
    .map((entry) => entry.path ?? "")
    .filter(
      (path) => path.startsWith(prefix) && path.includes(`/${correlationId}/`) && path.endsWith(".json"),
    );
  const outcomes: EngineOutcome[] = [];
  for (const path of paths) {
    const { data: file } = await admin.rest.repos.getContent({ owner, repo, path });
    const record = JSON.parse(
      Buffer.from((file as { content: string }).content, "base64").toString("utf8"),
    ) as {
      ok: boolean;
      engine_name: EngineName;
      details?: { summary?: string };
    };
    outcomes.push({
      engine: record.engine_name,
      ok: record.ok,
      summary: record.details?.summary ?? "",
      record_path: path,
      record: "created",
    });
  }
  return outcomes.sort((a, b) => compareEngines(a.engine, b.engine));
}
