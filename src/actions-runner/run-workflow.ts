import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { ReusableWorkflowJob, WorkflowJob } from "@actions/workflow-parser/model/workflow-template";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import { ConcurrencyGroups, type ConcurrencyAdmission } from "./concurrency-groups.js";
import {
  scalarText,
  evaluateCondition,
  evaluateToken,
  evaluateTokenToString,
  type StatusFunctions,
} from "./evaluate-expression.js";
import { expandMatrix } from "./expand-matrix.js";
import { idTokenClaims } from "./id-token-claims.js";
import {
  defaultPermissions,
  forkPermissions,
  isForkPullRequest,
  permissionExcesses,
  resolvePermissions,
  type JobPermissions,
} from "./job-permissions.js";
import { loadWorkflow, MAX_WORKFLOW_LEVELS, type LoadedWorkflow } from "./load-workflow.js";
import { runJob } from "./run-job.js";
import type { RunState } from "./run-state.js";
import type { JobConclusion, JobResult, RunResult, RunWorkflowOptions } from "./run-types.js";

/** A started run: its result, and a way to cancel it as "Cancel workflow" does. */
export interface WorkflowRunHandle {
  result: Promise<RunResult>;
  cancel(): void;
}

/** The scope a workflow's jobs run in: the top workflow, or a reusable workflow a job called. */
interface Scope {
  workflow: LoadedWorkflow;
  keyPrefix: string;
  namePrefix: string;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  /** The permissions the caller allows (undefined for the top workflow). */
  ceiling: JobPermissions | undefined;
  previous: ReadonlyMap<string, JobResult> | undefined;
}

const remembered = new WeakMap<RunResult, RunWorkflowOptions>();
const MINUTE = 60_000;

function flatten(jobs: readonly JobResult[]): JobResult[] {
  return jobs.flatMap((job) => [job, ...flatten(job.jobs)]);
}

function permissionsToken(workflow: LoadedWorkflow, jobId: string | undefined): TemplateToken | undefined {
  if (jobId !== undefined) {
    const own = workflow.rawJobs.get(jobId)?.find("permissions");
    if (own !== undefined) return own;
  }
  return workflow.root.find("permissions");
}

function concurrencyOf(value: unknown): { group: string; cancelInProgress: boolean } | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return { group: value, cancelInProgress: false };
  const mapping = value as { group?: unknown; "cancel-in-progress"?: unknown };
  return { group: scalarText(mapping.group), cancelInProgress: mapping["cancel-in-progress"] === true };
}

/**
 * Runs the workflow an event starts, as GitHub Actions would: jobs in `needs` order with their
 * `if:`, reusable workflows with `with:`/`secrets:`/`outputs:`, matrices, concurrency groups,
 * timeouts and permissions; `run:` steps for real. Resolves when every job has ended.
 *
 * @example const run = await runWorkflow({ files, repository, workflowPath: ".github/workflows/ci.yml", ... });
 */
export function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
  return startWorkflowRun(options).result;
}

/** Starts a run; `cancel()` stops its running steps (process groups) and skips what has not started. */
export function startWorkflowRun(options: RunWorkflowOptions, previous?: RunResult): WorkflowRunHandle {
  const controller = new AbortController();
  const result = execute(options, controller.signal, previous);
  return { result, cancel: () => controller.abort() };
}

/**
 * "Re-run all jobs" or "Re-run failed jobs" of a finished run: attempt + 1 with the same run id.
 * With `failedOnly`, jobs that succeeded are not run again: their results and outputs are reused.
 */
export function rerun(previous: RunResult, options: { failedOnly: boolean }): WorkflowRunHandle {
  const original = remembered.get(previous);
  if (original === undefined) throw new Error("rerun needs a result returned by runWorkflow in this process");
  return startWorkflowRun(
    { ...original, runAttempt: previous.runAttempt + 1 },
    options.failedOnly ? previous : undefined,
  );
}

async function execute(
  options: RunWorkflowOptions,
  signal: AbortSignal,
  previous?: RunResult,
): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const runAttempt = options.runAttempt ?? 1;
  const runDir = join(options.workRoot, `run-${options.runId}-${runAttempt}`);
  await mkdir(runDir, { recursive: true });
  const lines: string[] = [];
  const state: RunState = {
    options,
    runAttempt,
    runDir,
    signal,
    cancelled: () => signal.aborted,
    now,
    baseEnv: options.baseEnv ?? {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      LANG: "C.UTF-8",
    },
    killGraceMs: options.killGraceMs ?? 7_500,
    cleanupTimeoutMs: options.cleanupTimeoutMs ?? 5 * MINUTE,
    minuteMs: options.timeoutMinuteMs ?? MINUTE,
    runnerEnvironment: options.runnerEnvironment ?? "github-hosted",
    nodeVersions: options.nodeVersions ?? [process.versions.node],
  };
  const emit = (line: string): void => {
    lines.push(line);
    options.log?.(line);
  };
  const top = await options.files.read(options.repository.fullName, options.workflowPath, options.sha);
  const workflow = await loadWorkflow(
    options.files,
    { ...top, ref: options.ref },
    {
      maxLevels: options.maxWorkflowLevels ?? MAX_WORKFLOW_LEVELS,
    },
  );
  const nameToken = workflow.root.find("name");
  const workflowName =
    nameToken !== undefined && workflow.toolkit.parser.isString(nameToken)
      ? nameToken.value
      : options.workflowPath;
  const [owner = ""] = options.repository.fullName.split("/");
  const payload = options.event.payload as Record<string, { ref?: string } | undefined>;
  const refName = options.ref.replace(/^refs\/(heads|tags)\//, "");
  const workflowRef = `${options.repository.fullName}/${options.workflowPath}@${options.ref}`;
  const githubContext: Record<string, unknown> = {
    actor: options.actor.login,
    actor_id: String(options.actor.id),
    triggering_actor: options.actor.login,
    api_url: options.github.apiUrl,
    server_url: options.github.serverUrl,
    event: options.event.payload,
    event_name: options.event.name,
    ref: options.ref,
    ref_name: refName,
    ref_type: options.ref.startsWith("refs/tags/") ? "tag" : "branch",
    base_ref: payload.pull_request
      ? String((payload.pull_request as { base?: { ref?: string } }).base?.ref ?? "")
      : "",
    head_ref: payload.pull_request
      ? String((payload.pull_request as { head?: { ref?: string } }).head?.ref ?? "")
      : "",
    repository: options.repository.fullName,
    repository_id: String(options.repository.id),
    repository_owner: owner,
    repository_owner_id: String(options.repository.ownerId),
    run_id: String(options.runId),
    run_number: String(options.runNumber ?? 1),
    run_attempt: String(runAttempt),
    sha: options.sha,
    workflow: workflowName,
    workflow_ref: workflowRef,
    workflow_sha: options.sha,
    retention_days: "90",
  };
  const groups = options.concurrency ?? new ConcurrencyGroups();
  const previousByKey =
    previous === undefined ? undefined : new Map(flatten(previous.jobs).map((job) => [job.key, job]));

  emit(`run ${options.runId} attempt ${runAttempt}: ${workflowName} on ${options.event.name}`);
  // The run-level concurrency group of the workflow the event starts.
  let admission: ConcurrencyAdmission = { admitted: true, release: () => undefined };
  const runGroupToken = workflow.template.concurrency as TemplateToken | undefined;
  const runGroup =
    runGroupToken === undefined
      ? undefined
      : concurrencyOf(
          evaluateToken(
            workflow.toolkit,
            runGroupToken,
            { github: githubContext, inputs: {}, vars: options.vars ?? {} },
            { success: true, failure: false, cancelled: false },
          ),
        );
  const cancelRun = new AbortController();
  if (runGroup !== undefined && runGroup.group !== "") {
    emit(`concurrency group ${runGroup.group}: waiting`);
    admission = await groups.enter(
      runGroup.group,
      { cancel: () => cancelRun.abort() },
      runGroup.cancelInProgress,
    );
  }
  const combined = AbortSignal.any([signal, cancelRun.signal]);
  const runState: RunState = { ...state, signal: combined, cancelled: () => combined.aborted };
  let jobs: JobResult[] = [];
  if (!admission.admitted) {
    emit(`cancelled: a newer run is pending in concurrency group ${runGroup?.group ?? ""}`);
  } else {
    try {
      jobs = await runJobs(runState, githubContext, emit, {
        workflow,
        keyPrefix: "",
        namePrefix: "",
        inputs:
          options.event.name === "workflow_dispatch"
            ? ((options.event.payload.inputs as Record<string, unknown>) ?? {})
            : {},
        // A fork's pull request gets no secrets but GITHUB_TOKEN.
        secrets: isForkPullRequest(options.event.name, options.event.payload, options.repository.fullName)
          ? { GITHUB_TOKEN: options.github.token }
          : { GITHUB_TOKEN: options.github.token, ...options.secrets },
        ceiling: undefined,
        previous: previousByKey,
      });
    } finally {
      admission.release();
    }
  }
  const all = flatten(jobs);
  const conclusion: RunResult["conclusion"] =
    !admission.admitted || combined.aborted
      ? "cancelled"
      : jobs.some((job) => job.result === "failure")
        ? "failure"
        : jobs.some((job) => job.result === "cancelled")
          ? "cancelled"
          : "success";
  const durationMs = now() - started;
  emit(
    `run ${options.runId} attempt ${runAttempt}: ${conclusion} in ${(durationMs / 1000).toFixed(1)} s (${all.length} jobs)`,
  );
  const result: RunResult = {
    runId: options.runId,
    runAttempt,
    workflowName,
    eventName: options.event.name,
    conclusion,
    jobs,
    log: `${lines.join("\n")}\n`,
    durationMs,
  };
  remembered.set(result, options);
  return result;
}

function ancestors(
  job: WorkflowJob,
  byId: ReadonlyMap<string, WorkflowJob>,
  seen = new Set<string>(),
): Set<string> {
  for (const need of job.needs ?? []) {
    if (seen.has(need.value)) continue;
    seen.add(need.value);
    const parent = byId.get(need.value);
    if (parent) ancestors(parent, byId, seen);
  }
  return seen;
}

async function runJobs(
  state: RunState,
  github: Record<string, unknown>,
  emit: (line: string) => void,
  scope: Scope,
): Promise<JobResult[]> {
  const { workflow } = scope;
  const byId = new Map(workflow.template.jobs.map((job) => [job.id.value, job]));
  const results = new Map<string, JobResult>();
  const running = new Map<string, Promise<void>>();
  const order: string[] = [];
  while (results.size < byId.size) {
    for (const job of byId.values()) {
      const id = job.id.value;
      if (results.has(id) || running.has(id)) continue;
      if (!(job.needs ?? []).every((need) => results.has(need.value))) continue;
      order.push(id);
      running.set(
        id,
        runOneJob(state, github, emit, scope, job, results, byId).then((result) => {
          results.set(id, result);
          running.delete(id);
        }),
      );
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return order.map((id) => results.get(id) as JobResult);
}

async function runOneJob(
  state: RunState,
  github: Record<string, unknown>,
  emit: (line: string) => void,
  scope: Scope,
  job: WorkflowJob,
  results: ReadonlyMap<string, JobResult>,
  byId: ReadonlyMap<string, WorkflowJob>,
): Promise<JobResult> {
  const { workflow } = scope;
  const { toolkit } = workflow;
  const id = job.id.value;
  const key = `${scope.keyPrefix}${id}`;
  const started = state.now();
  const jobLines: string[] = [];
  const log = (line: string): void => {
    jobLines.push(line);
    emit(`[${key}] ${line}`);
  };
  const needs: Record<string, { result: string; outputs: Record<string, string> }> = {};
  for (const need of job.needs ?? []) {
    const done = results.get(need.value);
    if (done) needs[need.value] = { result: done.result, outputs: done.outputs };
  }
  const closure = [...ancestors(job, byId)].map((name) => results.get(name)?.result);
  const status: StatusFunctions = {
    success: !state.cancelled() && closure.every((result) => result === "success"),
    failure: closure.some((result) => result === "failure"),
    cancelled: state.cancelled(),
  };
  const baseContexts: Record<string, unknown> = {
    github,
    needs,
    inputs: scope.inputs,
    vars: state.options.vars ?? {},
  };
  const nameToken = job.name;
  let displayName = id;
  try {
    if (nameToken !== undefined)
      displayName = evaluateTokenToString(toolkit, nameToken, baseContexts, status);
  } catch {
    displayName = id;
  }
  const workflowFile = {
    repository: workflow.file.repository,
    path: workflow.file.path,
    ref: workflow.file.ref,
    sha: workflow.file.sha,
  };
  const finish = (partial: Partial<JobResult> & { result: JobConclusion }): JobResult => {
    const durationMs = state.now() - started;
    const finished: JobResult = {
      key,
      id,
      name: `${scope.namePrefix}${displayName}`,
      outputs: {},
      steps: [],
      jobs: [],
      permissions: {},
      reused: false,
      workflow: workflowFile,
      log: "",
      durationMs,
      ...partial,
    };
    log(
      `job ${finished.result}${finished.reason ? `: ${finished.reason}` : ""} (${(durationMs / 1000).toFixed(1)} s)`,
    );
    finished.log = `${jobLines.join("\n")}\n`;
    return finished;
  };

  const before = scope.previous?.get(key);
  if (before !== undefined && before.result === "success") {
    log("reused from the previous attempt (it succeeded)");
    return { ...before, reused: true };
  }

  let run: boolean;
  try {
    run = evaluateCondition(job.if.expression, baseContexts, status);
  } catch (error) {
    return finish({ result: "failure", reason: (error as Error).message });
  }
  if (!run)
    return finish({
      result: state.cancelled() ? "cancelled" : "skipped",
      reason: `if: ${job.if.expression} was false`,
    });

  // Permissions: the job's own, else the workflow's, else what the caller allows or the default.
  let permissions: JobPermissions;
  try {
    const token = permissionsToken(workflow, id);
    const fallback = scope.ceiling ?? defaultPermissions(state.options.defaultPermissions ?? "restricted");
    permissions =
      token === undefined
        ? fallback
        : resolvePermissions(evaluateToken(toolkit, token, baseContexts, status));
    if (scope.ceiling !== undefined) {
      const excesses = permissionExcesses(id, permissions, scope.ceiling);
      if (excesses.length > 0) return finish({ result: "failure", reason: excesses.join(" ") });
    }
  } catch (error) {
    return finish({ result: "failure", reason: (error as Error).message });
  }

  // Matrix.
  let combinations: Record<string, unknown>[] = [{}];
  let failFast = true;
  if (job.strategy !== undefined) {
    try {
      const strategy = evaluateToken(toolkit, job.strategy, baseContexts, status) as Record<string, unknown>;
      combinations = expandMatrix(strategy.matrix);
      failFast = strategy["fail-fast"] !== false;
    } catch (error) {
      return finish({ result: "failure", reason: `strategy: ${(error as Error).message}` });
    }
  }
  const raw = workflow.rawJobs.get(id);

  // Job-level concurrency.
  let admission: ConcurrencyAdmission = { admitted: true, release: () => undefined };
  const jobCancel = new AbortController();
  if (job.concurrency !== undefined) {
    const group = concurrencyOf(evaluateToken(toolkit, job.concurrency, baseContexts, status));
    if (group !== undefined && group.group !== "") {
      admission = await (state.options.concurrency ?? new ConcurrencyGroups()).enter(
        group.group,
        { cancel: () => jobCancel.abort() },
        group.cancelInProgress,
      );
      if (!admission.admitted)
        return finish({
          result: "cancelled",
          reason: `a newer job is pending in concurrency group ${group.group}`,
        });
    }
  }
  const signal = AbortSignal.any([state.signal, jobCancel.signal]);
  const jobState: RunState = { ...state, signal, cancelled: () => signal.aborted };

  try {
    if (job.type === "reusableWorkflowJob") {
      return await runReusableJob(
        jobState,
        github,
        emit,
        scope,
        job,
        displayName,
        baseContexts,
        status,
        permissions,
        log,
        finish,
      );
    }
    // A fork's pull request: GitHub grants read-only tokens and no ID token, whatever the job asks
    // (the nested-permission check above is on what the workflows declare, as on GitHub).
    if (
      isForkPullRequest(
        state.options.event.name,
        state.options.event.payload,
        state.options.repository.fullName,
      )
    )
      permissions = forkPermissions(permissions);
    const instances: JobResult[] = [];
    let outputs: Record<string, string> = {};
    let result: JobConclusion = "success";
    const timeoutToken = raw?.find("timeout-minutes");
    for (const matrix of combinations) {
      const suffix =
        Object.keys(matrix).length === 0 ? "" : ` (${Object.values(matrix).map(String).join(", ")})`;
      if (failFast && result === "failure") {
        log(`matrix${suffix}: not started (fail-fast)`);
        continue;
      }
      const contexts = {
        ...baseContexts,
        matrix,
        strategy: { "fail-fast": failFast, "job-total": combinations.length },
        secrets: scope.secrets,
      };
      const timeoutMs =
        timeoutToken === undefined
          ? 360 * state.minuteMs
          : Number(evaluateToken(toolkit, timeoutToken, contexts, status)) * state.minuteMs;
      const token = state.options.jobToken
        ? await state.options.jobToken(permissions, key)
        : state.options.github.token;
      const env: Record<string, string> = {
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_ACTOR: String(github.actor),
        GITHUB_ACTOR_ID: String(github.actor_id),
        GITHUB_TRIGGERING_ACTOR: String(github.triggering_actor),
        GITHUB_API_URL: String(github.api_url),
        GITHUB_SERVER_URL: String(github.server_url),
        GITHUB_EVENT_NAME: String(github.event_name),
        GITHUB_REF: String(github.ref),
        GITHUB_REF_NAME: String(github.ref_name),
        GITHUB_REF_TYPE: String(github.ref_type),
        GITHUB_BASE_REF: String(github.base_ref),
        GITHUB_HEAD_REF: String(github.head_ref),
        GITHUB_REPOSITORY: String(github.repository),
        GITHUB_REPOSITORY_ID: String(github.repository_id),
        GITHUB_REPOSITORY_OWNER: String(github.repository_owner),
        GITHUB_REPOSITORY_OWNER_ID: String(github.repository_owner_id),
        GITHUB_RUN_ID: String(github.run_id),
        GITHUB_RUN_NUMBER: String(github.run_number),
        GITHUB_RUN_ATTEMPT: String(github.run_attempt),
        GITHUB_SHA: String(github.sha),
        GITHUB_WORKFLOW: String(github.workflow),
        GITHUB_WORKFLOW_REF: String(github.workflow_ref),
        GITHUB_WORKFLOW_SHA: String(github.workflow_sha),
        GITHUB_RETENTION_DAYS: "90",
      };
      let claims: Record<string, string> | undefined;
      if (permissions["id-token"] === "write") {
        const fileRef = workflow.file.ref;
        claims = idTokenClaims({
          repository: state.options.repository.fullName,
          repositoryId: state.options.repository.id,
          repositoryOwnerId: state.options.repository.ownerId,
          repositoryVisibility: state.options.repository.visibility ?? "private",
          actor: state.options.actor.login,
          actorId: state.options.actor.id,
          eventName: state.options.event.name,
          ref: state.options.ref,
          sha: state.options.sha,
          baseRef: String(github.base_ref),
          headRef: String(github.head_ref),
          runId: state.options.runId,
          runNumber: state.options.runNumber ?? 1,
          runAttempt: state.runAttempt,
          workflow: String(github.workflow),
          workflowRef: String(github.workflow_ref),
          workflowSha: String(github.workflow_sha),
          jobWorkflowRef: `${workflow.file.repository}/${workflow.file.path}@${fileRef}`,
          jobWorkflowSha: workflow.file.sha,
          runnerEnvironment: state.runnerEnvironment,
        });
        if (state.options.requestIdToken === undefined) {
          instances.push(
            finish({
              result: "failure",
              permissions,
              reason: "the job asks for id-token: write but the runner has no OIDC issuer (requestIdToken)",
            }),
          );
          result = "failure";
          continue;
        }
        const request = await state.options.requestIdToken(claims);
        env.ACTIONS_ID_TOKEN_REQUEST_URL = request.url;
        env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = request.token;
      }
      const outcome = await runJob(
        jobState,
        {
          key: `${key}${suffix}`,
          id,
          name: `${displayName}${suffix}`,
          workflow,
          job,
          raw,
          contexts: { ...contexts, github: { ...github, token } },
          env,
          timeoutMs,
        },
        log,
      );
      outputs = { ...outputs, ...outcome.outputs };
      if (outcome.result === "failure") result = "failure";
      else if (outcome.result === "cancelled" && result !== "failure") result = "cancelled";
      const instance = finish({ ...outcome, permissions, idTokenClaims: claims });
      instances.push({
        ...instance,
        key: `${key}${suffix}`,
        name: `${scope.namePrefix}${displayName}${suffix}`,
      });
    }
    if (instances.length === 1 && combinations.length === 1) return instances[0];
    return finish({ result, outputs, jobs: instances, permissions });
  } finally {
    admission.release();
  }
}

async function runReusableJob(
  state: RunState,
  github: Record<string, unknown>,
  emit: (line: string) => void,
  scope: Scope,
  job: ReusableWorkflowJob,
  displayName: string,
  contexts: Record<string, unknown>,
  status: StatusFunctions,
  permissions: JobPermissions,
  log: (line: string) => void,
  finish: (partial: Partial<JobResult> & { result: JobConclusion }) => JobResult,
): Promise<JobResult> {
  const { workflow } = scope;
  const { toolkit } = workflow;
  const id = job.id.value;
  const calleeFile = workflow.callees.get(id);
  if (calleeFile === undefined)
    return finish({ result: "failure", permissions, reason: `cannot read ${job.ref.value}` });
  let callee: LoadedWorkflow;
  try {
    callee = await loadWorkflow(state.options.files, calleeFile, {
      level: workflow.level + 1,
      root: workflow.file,
      maxLevels: state.options.maxWorkflowLevels ?? MAX_WORKFLOW_LEVELS,
    });
  } catch (error) {
    return finish({ result: "failure", permissions, reason: (error as Error).message });
  }
  // Inputs: the caller's `with:`, then each declared input's default, typed as declared.
  const inputs: Record<string, unknown> = {};
  const given =
    job["input-values"] === undefined
      ? {}
      : (evaluateToken(toolkit, job["input-values"], contexts, status) as Record<string, unknown>);
  for (const { key, value } of job["input-definitions"] ?? []) {
    const name = key.assertString("input name").value;
    const spec = evaluateToken(toolkit, value, { github, inputs: {} }, status) as {
      type?: string;
      default?: unknown;
    };
    const raw = name in given ? given[name] : spec.default;
    inputs[name] =
      spec.type === "boolean"
        ? raw === true || raw === "true"
        : spec.type === "number"
          ? Number(raw ?? 0)
          : raw === undefined || raw === null
            ? ""
            : scalarText(raw);
  }
  let secrets: Record<string, string> = { GITHUB_TOKEN: scope.secrets.GITHUB_TOKEN ?? "" };
  if (job["inherit-secrets"]) secrets = { ...scope.secrets };
  else if (job["secret-values"] !== undefined) {
    const values = evaluateToken(
      toolkit,
      job["secret-values"],
      { ...contexts, secrets: scope.secrets },
      status,
    ) as Record<string, unknown>;
    for (const [name, value] of Object.entries(values)) secrets[name] = scalarText(value);
  }
  log(`calls ${job.ref.value} (${calleeFile.sha.slice(0, 12)})`);
  // The called workflow's own concurrency group.
  let admission: ConcurrencyAdmission = { admitted: true, release: () => undefined };
  const cancel = new AbortController();
  const groupToken = callee.template.concurrency as TemplateToken | undefined;
  if (groupToken !== undefined) {
    const group = concurrencyOf(
      evaluateToken(toolkit, groupToken, { github, inputs, vars: state.options.vars ?? {} }, status),
    );
    if (group !== undefined && group.group !== "") {
      log(`concurrency group ${group.group}: waiting`);
      admission = await (state.options.concurrency ?? new ConcurrencyGroups()).enter(
        group.group,
        { cancel: () => cancel.abort() },
        group.cancelInProgress,
      );
      if (!admission.admitted)
        return finish({
          result: "cancelled",
          permissions,
          reason: `a newer run is pending in concurrency group ${group.group}`,
        });
    }
  }
  const signal = AbortSignal.any([state.signal, cancel.signal]);
  try {
    const inner = await runJobs({ ...state, signal, cancelled: () => signal.aborted }, github, emit, {
      workflow: callee,
      keyPrefix: `${scope.keyPrefix}${id}/`,
      namePrefix: `${scope.namePrefix}${displayName} / `,
      inputs,
      secrets,
      ceiling: permissions,
      previous: scope.previous,
    });
    const jobsContext = Object.fromEntries(
      inner.map((done) => [done.id, { result: done.result, outputs: done.outputs }]),
    );
    const outputs: Record<string, string> = {};
    const on = callee.root.find("on");
    const call = on !== undefined && toolkit.parser.isMapping(on) ? on.find("workflow_call") : undefined;
    const declared = call !== undefined && toolkit.parser.isMapping(call) ? call.find("outputs") : undefined;
    if (declared !== undefined && toolkit.parser.isMapping(declared)) {
      for (const { key, value } of declared) {
        const valueToken = toolkit.parser.isMapping(value) ? value.find("value") : undefined;
        if (valueToken === undefined) continue;
        outputs[key.assertString("output name").value] = evaluateTokenToString(
          toolkit,
          valueToken,
          { github, inputs, jobs: jobsContext, vars: state.options.vars ?? {} },
          status,
        );
      }
    }
    const result: JobConclusion = inner.some((done) => done.result === "failure")
      ? "failure"
      : inner.some((done) => done.result === "cancelled") || signal.aborted
        ? "cancelled"
        : "success";
    return finish({ result, outputs, jobs: inner, permissions });
  } finally {
    admission.release();
  }
}
