import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenProvider } from "../../../src/github/token-provider.js";
import type { EngineCatalog } from "../../../src/runtime/engine-catalog.js";
import { executeRun, type RunReport } from "../../../src/runtime/execute-run.js";
import { planRun, type PlanOptions } from "../../../src/runtime/plan-run.js";
import { emitRecordWriter, type RecordWriter } from "../../../src/runtime/record-writer.js";
import { loadRegistry, type LoadedRegistry } from "../../../src/runtime/registry-source.js";
import { createRunCredentials } from "../../../src/runtime/run-credentials.js";
import { isRefusal, type RunPlan } from "../../../src/runtime/run-plan.js";
import { fixedClock, type Clock } from "../../../src/util/clock.js";
import type { TestGitHub } from "../../support/local-github.js";
import { INFRA_REPO, TOKENS } from "./runtime-world.js";

export const PINNED_AT = "2026-11-21T22:37:56.123Z";

/** A plan for the event, or a thrown error when the dispatcher refuses it (tests of refusals use planRun). */
export function aPlan(
  event: string,
  payload: unknown,
  options: Partial<PlanOptions> & { target_repo: string },
): RunPlan {
  const plan = planRun(event, payload, {
    engine_ref: "v1.4.0",
    newId: () => "01JDAX5Q7Z6K4M3N2P1R0S9T8V",
    ...options,
  });
  if (isRefusal(plan)) throw new Error(`refused: ${plan.field}: ${plan.message}`);
  return plan;
}

export const dispatchPayload = (mode: string) => ({ inputs: { mode } });

/** The registry as preflight reads it in production: from the infra repository, with the operator's token. */
export function infraRegistry(github: TestGitHub): Promise<LoadedRegistry> {
  return loadRegistry({ kind: "infra-repo", repo: INFRA_REPO, github: github.client(TOKENS.operator) });
}

/** The registry from a local file holding `text` (the file is removed afterwards). */
export async function fileRegistry(text: string): Promise<LoadedRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "runtime-registry-"));
  try {
    await writeFile(join(dir, "registry.json"), text);
    return await loadRegistry({ kind: "file", path: join(dir, "registry.json"), label: "registry.json" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface HarnessOptions {
  catalog: EngineCatalog;
  registry: LoadedRegistry;
  token?: string;
  clock?: Clock;
  writer?: RecordWriter;
  warn?: (line: string) => void;
}

/** Executes a plan against the test GitHub the way `dispatch` does, with a pinned clock by default. */
export function execute(github: TestGitHub, plan: RunPlan, options: HarnessOptions): Promise<RunReport> {
  const tokens = createTokenProvider(
    { kind: "token", token: options.token ?? TOKENS.operator, variable: "GITHUB_TOKEN" },
    { baseUrl: github.url },
  );
  return executeRun(plan, {
    credentials: createRunCredentials(tokens, { baseUrl: github.url, retries: 0 }),
    registry: options.registry,
    catalog: options.catalog,
    writer: options.writer ?? emitRecordWriter({ baseDelayMs: 5, maxDelayMs: 50 }),
    clock: options.clock ?? fixedClock(PINNED_AT),
    source: (engine) => ({ runner: "local", workflow: "task-assistant-dispatch", job: engine }),
    version: "0.0.0-test",
    ...(options.warn ? { warn: options.warn } : {}),
  });
}
