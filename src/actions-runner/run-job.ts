import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import type { Job, Step } from "@actions/workflow-parser/model/workflow-template";
import type { MappingToken } from "@actions/workflow-parser/templates/tokens/mapping-token";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import {
  evaluateCondition,
  evaluateToken,
  evaluateTokenToString,
  type ExpressionContexts,
  type StatusFunctions,
} from "./evaluate-expression.js";
import type { LoadedWorkflow } from "./load-workflow.js";
import { parseFileCommand } from "./parse-file-command.js";
import { killProcessGroup, runProcessGroup } from "./run-process-group.js";
import { runUsesStep } from "./run-uses-step.js";
import type { RunState } from "./run-state.js";
import type { JobConclusion, StepConclusion, StepResult } from "./run-types.js";
import { scriptExtension, shellCommand } from "./shell-command.js";

/** One job (one matrix combination) of a workflow, ready to run its steps. */
export interface JobInstance {
  key: string;
  id: string;
  name: string;
  workflow: LoadedWorkflow;
  job: Job;
  raw: MappingToken | undefined;
  /** github, inputs, needs, matrix, strategy, vars, secrets. */
  contexts: Record<string, unknown>;
  /** GITHUB_* and RUNNER_* values that do not depend on the step. */
  env: Record<string, string>;
  /** `timeout-minutes` of the job, in milliseconds. */
  timeoutMs: number;
}

export interface JobOutcome {
  result: JobConclusion;
  outputs: Record<string, string>;
  steps: StepResult[];
  reason?: string;
}

function rawStep(raw: MappingToken | undefined, index: number): MappingToken | undefined {
  const steps = raw?.find("steps");
  if (steps === undefined || !("get" in steps) || !("count" in steps)) return undefined;
  const sequence = steps as unknown as { count: number; get(index: number): TemplateToken };
  if (index >= sequence.count) return undefined;
  const step = sequence.get(index);
  return "find" in step ? (step as MappingToken) : undefined;
}

function defaultsRun(raw: MappingToken | undefined, key: string): TemplateToken | undefined {
  const defaults = raw?.find("defaults");
  const run =
    defaults !== undefined && "find" in defaults ? (defaults as MappingToken).find("run") : undefined;
  return run !== undefined && "find" in run ? (run as MappingToken).find(key) : undefined;
}

function stepDisplayName(step: Step, name: string | undefined): string {
  if (name) return name;
  if ("run" in step) {
    const run = step.run;
    // An expression keeps the text as written in `source`.
    const text =
      "value" in run
        ? String(run.value)
        : "source" in run && typeof run.source === "string"
          ? run.source
          : run.toString();
    return `Run ${text.split("\n")[0]?.trim() ?? ""}`;
  }
  if ("uses" in step) return `Run ${step.uses.value}`;
  return step.id;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs a job's steps in a fresh workspace: each `run:` step as a bash (or `shell:`) process in its
 * own process group, each `uses:` through `runUsesStep`, with `if:`, `continue-on-error`,
 * `working-directory`, `env`, step outputs and the GITHUB_OUTPUT/ENV/PATH/STEP_SUMMARY files. A
 * cancellation or the job's timeout kills the running step's group; later steps then run only when
 * their condition asks for it (`always()`, `cancelled()`, `failure()`).
 */
export async function runJob(
  state: RunState,
  instance: JobInstance,
  log: (line: string) => void,
): Promise<JobOutcome> {
  const { toolkit } = instance.workflow;
  const jobDir = join(state.runDir, instance.key.replace(/[^A-Za-z0-9._-]+/g, "_"));
  await rm(jobDir, { recursive: true, force: true });
  const workspace = join(jobDir, "workspace");
  const temp = join(jobDir, "temp");
  await mkdir(workspace, { recursive: true });
  await mkdir(temp, { recursive: true });
  const eventPath = join(temp, "event.json");
  await writeFile(eventPath, JSON.stringify(state.options.event.payload, null, 2));
  const envFile = join(temp, "github_env");
  const pathFile = join(temp, "github_path");
  await writeFile(envFile, "");
  await writeFile(pathFile, "");

  const github: Record<string, unknown> = {
    ...(instance.contexts.github as Record<string, unknown>),
    job: instance.id,
    workspace,
    event_path: eventPath,
    env: envFile,
    path: pathFile,
  };
  const runner = {
    os: "Linux",
    arch: "X64",
    name: "local-runner",
    temp,
    environment: state.runnerEnvironment,
  };
  const fixedEnv: Record<string, string> = {
    ...instance.env,
    GITHUB_JOB: instance.id,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_ENV: envFile,
    GITHUB_PATH: pathFile,
    RUNNER_TEMP: temp,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "local-runner",
    RUNNER_ENVIRONMENT: state.runnerEnvironment,
  };

  const steps: StepResult[] = [];
  const stepsContext: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {};
  let jobStatus: "success" | "failure" = "success";
  const fileEnv: Record<string, string> = {};
  const extraPath: string[] = [];
  const groups: number[] = [];

  // The job's deadline: when it passes, the running step is stopped and the job fails.
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), instance.timeoutMs);
  let timedOut = false;
  let stoppedByCancel = false;
  deadline.signal.addEventListener("abort", () => {
    timedOut = true;
    log(`job exceeded its timeout of ${seconds(instance.timeoutMs)}; stopping it`);
  });

  const status = (): StatusFunctions => ({
    success: jobStatus === "success" && !state.cancelled() && !timedOut,
    failure: jobStatus === "failure" || timedOut,
    cancelled: state.cancelled() || timedOut,
  });
  const contextsNow = (env: Record<string, string>): ExpressionContexts => ({
    ...instance.contexts,
    github,
    runner,
    env,
    steps: stepsContext,
    job: { status: state.cancelled() ? "cancelled" : jobStatus },
  });

  // env: workflow env, then job env, each evaluated with what was known before it.
  let jobEnv: Record<string, string> = {};
  for (const token of [instance.workflow.template.env as TemplateToken | undefined, instance.job.env]) {
    if (token === undefined || !toolkit.parser.isMapping(token)) continue;
    for (const { key, value } of token) {
      const name = key.assertString("env name").value;
      jobEnv = { ...jobEnv, [name]: evaluateTokenToString(toolkit, value, contextsNow(jobEnv), status()) };
    }
  }

  try {
    for (const [index, step] of instance.job.steps.entries()) {
      const raw = rawStep(instance.raw, index);
      const started = state.now();
      const env = { ...jobEnv, ...fileEnv };
      const contexts = contextsNow(env);
      const nameToken = step.name;
      let name = step.id;
      try {
        name = stepDisplayName(
          step,
          nameToken === undefined ? undefined : evaluateTokenToString(toolkit, nameToken, contexts, status()),
        );
      } catch {
        name = stepDisplayName(step, undefined);
      }
      const record = (
        outcome: StepConclusion,
        conclusion: StepConclusion,
        outputs: Record<string, string>,
        text: string,
      ): void => {
        const durationMs = state.now() - started;
        steps.push({ id: step.id, name, outcome, conclusion, outputs, log: text, durationMs });
        stepsContext[step.id] = { outputs, outcome, conclusion };
        if (conclusion === "failure") jobStatus = "failure";
        const mark = conclusion === "success" ? "✓" : conclusion === "skipped" ? "-" : "✗";
        log(
          `${mark} ${name} (${outcome === conclusion ? outcome : `${outcome}, continue-on-error`}, ${seconds(durationMs)})`,
        );
      };
      const condition = "if" in step && step.if !== undefined ? step.if.expression : "success()";
      let run: boolean;
      try {
        run = evaluateCondition(condition, contexts, status());
      } catch (error) {
        record("failure", "failure", {}, (error as Error).message);
        log(`  ${(error as Error).message}`);
        continue;
      }
      if (!run) {
        record("skipped", "skipped", {}, "");
        continue;
      }
      log(`▶ ${name}`);
      const afterStop = state.cancelled() || timedOut;
      let continueOnError = false;
      const coe = step["continue-on-error"];
      if (typeof coe === "boolean") continueOnError = coe;
      else if (coe !== undefined) {
        continueOnError = evaluateToken(toolkit, coe, contexts, status()) === true;
      }
      const stepTimeoutToken = raw?.find("timeout-minutes");
      const stepTimeoutMs =
        stepTimeoutToken === undefined
          ? undefined
          : Number(evaluateToken(toolkit, stepTimeoutToken, contexts, status())) * state.minuteMs;
      // Steps that start after a cancellation or timeout are not stopped by it again; they get the
      // cleanup budget instead.
      const stopSignal = afterStop ? undefined : AbortSignal.any([state.signal, deadline.signal]);
      const timeoutMs = afterStop
        ? Math.min(stepTimeoutMs ?? Infinity, state.cleanupTimeoutMs)
        : stepTimeoutMs;

      let stepEnv: Record<string, string> = { ...env };
      if ("env" in step && step.env !== undefined) {
        for (const { key, value } of step.env) {
          stepEnv = {
            ...stepEnv,
            [key.assertString("env name").value]: evaluateTokenToString(
              toolkit,
              value,
              contextsNow(stepEnv),
              status(),
            ),
          };
        }
      }
      const outputFile = join(temp, `output_${randomUUID()}`);
      const summaryFile = join(temp, `step_summary_${randomUUID()}`);
      await writeFile(outputFile, "");
      await writeFile(summaryFile, "");
      const processEnv: Record<string, string> = {
        ...state.baseEnv,
        ...stepEnv,
        ...fixedEnv,
        GITHUB_ACTION: step.id,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        PATH: [...extraPath, state.baseEnv.PATH ?? "/usr/bin:/bin"].join(delimiter),
      };
      let text = "";
      let outcome: StepConclusion = "success";
      try {
        if ("run" in step) {
          const runStep = step;
          const script = evaluateTokenToString(toolkit, runStep.run, contexts, status());
          const shellToken = raw?.find("shell") ?? defaultsRun(instance.raw, "shell");
          const shell =
            shellToken === undefined
              ? undefined
              : evaluateTokenToString(toolkit, shellToken, contexts, status());
          const dirToken = raw?.find("working-directory") ?? defaultsRun(instance.raw, "working-directory");
          const cwd =
            dirToken === undefined
              ? workspace
              : resolve(workspace, evaluateTokenToString(toolkit, dirToken, contexts, status()));
          const scriptPath = join(temp, `${randomUUID()}${scriptExtension(shell)}`);
          await writeFile(scriptPath, script);
          const { command, args } = shellCommand(shell, scriptPath);
          const ended = await runProcessGroup(
            {
              command,
              args,
              cwd,
              env: processEnv,
              timeoutMs,
              signal: stopSignal,
              killGraceMs: state.killGraceMs,
              onOutput: (chunk) => {
                for (const line of chunk.split("\n")) if (line !== "") log(`  | ${line}`);
              },
            },
            (pid) => groups.push(pid),
          );
          text = ended.output;
          if (ended.ending === "cancelled") {
            outcome = timedOut ? "failure" : "cancelled";
            if (!timedOut) stoppedByCancel = true;
            text += `\n[runner] the step was stopped: ${timedOut ? "the job timed out" : "the run was cancelled"}\n`;
          } else if (ended.ending === "timed-out") {
            outcome = "failure";
            text += `\n[runner] the step exceeded its timeout and was stopped\n`;
          } else if (ended.ending === "failed-to-start") {
            outcome = "failure";
            text += `\n[runner] ${command} could not start: ${ended.output}\n`;
          } else if (ended.exitCode !== 0) {
            outcome = "failure";
            text += `\n[runner] Process completed with exit code ${String(ended.exitCode)}.\n`;
          }
        } else if ("uses" in step) {
          const withToken = raw?.find("with");
          const inputs: Record<string, string> = {};
          if (withToken !== undefined && toolkit.parser.isMapping(withToken)) {
            for (const { key, value } of withToken) {
              inputs[key.assertString("with key").value] = evaluateTokenToString(
                toolkit,
                value,
                contexts,
                status(),
              );
            }
          }
          text = await runUsesStep(state, {
            uses: step.uses.value,
            inputs,
            workspace,
            repository: state.options.repository.fullName,
            sha: state.options.sha,
            token: typeof github.token === "string" ? github.token : "",
            temp,
            pathFile,
          });
          for (const line of text.split("\n")) if (line !== "") log(`  | ${line}`);
        } else {
          throw new Error(`step ${step.id}: only run: and uses: steps are supported`);
        }
      } catch (error) {
        outcome = "failure";
        text += `${error instanceof Error ? error.message : String(error)}\n`;
        log(`  ${error instanceof Error ? error.message : String(error)}`);
      }
      let outputs: Record<string, string> = {};
      try {
        outputs = parseFileCommand(await readFile(outputFile, "utf8"), "GITHUB_OUTPUT");
        Object.assign(fileEnv, parseFileCommand(await readFile(envFile, "utf8"), "GITHUB_ENV"));
        await writeFile(envFile, "");
        const added = (await readFile(pathFile, "utf8")).split("\n").filter((line) => line !== "");
        extraPath.unshift(...added.reverse());
        await writeFile(pathFile, "");
        const summary = await readFile(summaryFile, "utf8");
        if (summary !== "") await appendFile(join(jobDir, "step_summary.md"), summary);
      } catch (error) {
        outcome = "failure";
        text += `${(error as Error).message}\n`;
      }
      const conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
      record(outcome, conclusion, outputs, text);
    }
  } finally {
    clearTimeout(deadlineTimer);
    // Whatever a step left running in its process group ends with the job, as on GitHub.
    for (const pid of groups) killProcessGroup(pid);
  }

  const outputs: Record<string, string> = {};
  if (instance.job.outputs !== undefined) {
    const contexts = contextsNow({ ...jobEnv, ...fileEnv });
    for (const { key, value } of instance.job.outputs) {
      const name = key.assertString("output name").value;
      try {
        outputs[name] = evaluateTokenToString(toolkit, value, contexts, status());
      } catch (error) {
        log(`output ${name}: ${(error as Error).message}`);
      }
    }
  }
  const cancelled = stoppedByCancel || (state.cancelled() && jobStatus === "success");
  const result: JobConclusion = timedOut ? "failure" : cancelled ? "cancelled" : jobStatus;
  return {
    result,
    outputs,
    steps,
    reason: timedOut ? `the job exceeded its timeout of ${seconds(instance.timeoutMs)}` : undefined,
  };
}
