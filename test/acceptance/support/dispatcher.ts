import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTokenProvider } from "../../../src/github/token-provider.js";
import { createEngineCatalog } from "../../../src/runtime/engine-catalog.js";
import { executeRun, type RunReport } from "../../../src/runtime/execute-run.js";
import { planRun } from "../../../src/runtime/plan-run.js";
import { emitRecordWriter } from "../../../src/runtime/record-writer.js";
import { loadRegistry } from "../../../src/runtime/registry-source.js";
import { createRunCredentials } from "../../../src/runtime/run-credentials.js";
import { isRefusal, type RunMode } from "../../../src/runtime/run-plan.js";
import { createGitHub } from "../../../src/github/octokit.js";
import { fixedClock } from "../../../src/util/clock.js";
import { ENGINE_REF, INFRA_NAME, INFRA_REPO, OPS_ORG } from "./world-spec.js";
import type { AcceptanceWorld, CliRun } from "./world.js";

/** One engine's line of `dispatch --json`. */
export interface EngineLine {
  engine: string;
  ok: boolean;
  summary: string;
  record: "created" | "identical" | "not-written" | "failed";
  record_path?: string;
  record_error?: string;
}

/** What `task-assistant dispatch --json` prints. */
export interface DispatchReport {
  ok: boolean;
  halted: boolean;
  plan: {
    mode: string;
    correlation_id: string;
    engine_ref: string;
    engines: string[];
    issue_number?: number;
  };
  telemetry_repo: string | null;
  preflight: EngineLine & { reason: string | null; checks: Array<{ id: string; outcome: string }> };
  engines: EngineLine[];
}

export interface Dispatched extends CliRun {
  /** The parsed report; undefined when the command refused before running (nothing on stdout). */
  report: DispatchReport | undefined;
}

function repository(fullName: string) {
  const [owner, name] = fullName.split("/");
  return { full_name: fullName, name, owner: { login: owner } };
}

/** The `workflow_dispatch` payload a maintainer's manual run delivers. */
export function aManualRun(fullName: string, mode: RunMode, sender = "someone") {
  return {
    inputs: { mode },
    ref: "refs/heads/main",
    repository: repository(fullName),
    sender: { login: sender, type: "User" },
  };
}

/** The `issues` payload GitHub delivers when `sender` adds `label` to issue `issue`. */
export function aLabeledEvent(fullName: string, issue: number, label: string, sender = "someone") {
  return {
    action: "labeled",
    issue: { number: issue },
    label: { name: label },
    repository: repository(fullName),
    sender: { login: sender, type: "User" },
  };
}

let payloads = 0;

/**
 * `task-assistant dispatch --event EVENT --payload FILE --repo REPO --engine-ref v1.4.0 --json`, in
 * this process, as the App (its credentials from the seed; the registry from the infra repository).
 */
export async function dispatch(
  world: AcceptanceWorld,
  request: {
    event: "workflow_dispatch" | "issues";
    payload: unknown;
    repo: string;
    mode?: RunMode;
    correlationId?: string;
    /** Replaces the App's environment (e.g. to run with no credentials at all). */
    env?: Record<string, string | undefined>;
  },
): Promise<Dispatched> {
  payloads += 1;
  const file = join(world.scratch, `payload-${process.pid}-${payloads}.json`);
  await writeFile(file, `${JSON.stringify(request.payload)}\n`);
  const args = [
    "dispatch",
    "--event",
    request.event,
    "--payload",
    file,
    "--repo",
    request.repo,
    "--engine-ref",
    ENGINE_REF,
    "--json",
    ...(request.mode === undefined ? [] : ["--mode", request.mode]),
    ...(request.correlationId === undefined ? [] : ["--correlation-id", request.correlationId]),
  ];
  const result = await world.cli(args, { env: request.env ?? world.appEnv() });
  const report = result.stdout.trim() === "" ? undefined : (JSON.parse(result.stdout) as DispatchReport);
  return { ...result, report };
}

/** A manual run of `mode` on `repo`, under `correlationId` when given. */
export function dispatchMode(
  world: AcceptanceWorld,
  repo: string,
  mode: RunMode,
  correlationId?: string,
  env?: Record<string, string | undefined>,
): Promise<Dispatched> {
  return dispatch(world, {
    event: "workflow_dispatch",
    payload: aManualRun(repo, mode, world.maintainerOf(repo.split("/")[0])),
    repo,
    mode,
    ...(correlationId === undefined ? {} : { correlationId }),
    ...(env === undefined ? {} : { env }),
  });
}

/** The `labeled` event of `label` on issue `issue`, added by the maintainer, dispatched as enforce. */
export function dispatchLabeled(
  world: AcceptanceWorld,
  repo: string,
  issue: number,
  label: string,
  correlationId?: string,
): Promise<Dispatched> {
  return dispatch(world, {
    event: "issues",
    payload: aLabeledEvent(repo, issue, label, world.maintainerOf(repo.split("/")[0])),
    repo,
    ...(correlationId === undefined ? {} : { correlationId }),
  });
}

/**
 * A run exactly as `dispatch` executes it — the App's credentials, the registry from the infra
 * repository, every engine of the plan, one record each — but at `at` instead of the system clock,
 * so runs can be placed on different days.
 */
export async function runAt(
  world: AcceptanceWorld,
  request: { repo: string; mode: RunMode; correlationId: string; at: string },
): Promise<RunReport> {
  const plan = planRun("workflow_dispatch", aManualRun(request.repo, request.mode), {
    target_repo: request.repo,
    engine_ref: ENGINE_REF,
    mode: request.mode,
    correlation_id: request.correlationId,
    newId: () => request.correlationId,
  });
  if (isRefusal(plan)) throw new Error(`the dispatcher refused the run: ${plan.field}: ${plan.message}`);
  const tokens = createTokenProvider(
    { kind: "app", appId: String(world.app.id), privateKey: world.app.privateKey },
    { baseUrl: world.github.url },
  );
  const infra = await tokens.issue({
    owner: OPS_ORG,
    repositories: [INFRA_NAME],
    permissions: { contents: "read" },
  });
  return executeRun(plan, {
    credentials: createRunCredentials(tokens, { baseUrl: world.github.url }),
    registry: await loadRegistry({
      kind: "infra-repo",
      repo: INFRA_REPO,
      github: createGitHub({ baseUrl: world.github.url, auth: infra.token }),
    }),
    catalog: createEngineCatalog(),
    writer: emitRecordWriter(),
    clock: fixedClock(request.at),
    source: (engine) => ({ runner: "local", workflow: "task-assistant-dispatch", job: engine }),
    version: "0.0.0-acceptance",
  });
}
