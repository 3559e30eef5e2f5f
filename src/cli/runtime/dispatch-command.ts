import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { createEngineCatalog } from "../../runtime/engine-catalog.js";
import { executeRun } from "../../runtime/execute-run.js";
import { dryRunRecordWriter, emitRecordWriter } from "../../runtime/record-writer.js";
import { systemClock } from "../../util/clock.js";
import { appendStepSummary, readActionsEnv, recordSource } from "./actions-env.js";
import { formatRunMarkdown, formatRunTable, runReportJson } from "./format-run-report.js";
import { githubAccessFromEnv } from "./github-access.js";
import { resolveLoopGuard } from "./loop-guard-settings.js";
import { packageVersion } from "./package-info.js";
import { PLAN_FLAGS, planFromFlags, requirePlanFlags } from "./plan-flags.js";
import { readChosenRegistry, registryChoice } from "./registry-flags.js";

const FLAGS = {
  ...PLAN_FLAGS,
  registry: { type: "string" },
  "infra-repo": { type: "string" },
  "breaker-runs": { type: "string" },
  "breaker-minutes": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/**
 * `task-assistant dispatch`: the whole run in this process — plan, preflight, engines, one record
 * each — against `GITHUB_API_URL` or the local GitHub. Exit 0 all ok, 1 preflight or an engine
 * failed, 2 refused.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, FLAGS, "dispatch");
  requirePlanFlags(values, "dispatch");
  const actions = readActionsEnv(io.env);
  const choice = registryChoice(values, io.env, "dispatch");
  const plan = await planFromFlags(values, io, actions, "dispatch");
  const access = await githubAccessFromEnv(io.env, io.signal, (line) => io.stderr(line));
  const registry = await readChosenRegistry(choice, access, io.cwd, plan.target_repo);
  const report = await executeRun(plan, {
    credentials: access.credentials,
    registry,
    catalog: createEngineCatalog(),
    writer: plan.dry_run ? dryRunRecordWriter : emitRecordWriter({ signal: io.signal }),
    clock: systemClock,
    source: recordSource(actions, () => "task-assistant-dispatch"),
    version: await packageVersion(),
    warn: (line) => io.stderr(line),
    loop_guard: await resolveLoopGuard(values, io.env),
  });
  // An interrupted run is reported as interrupted, not as the failures the interruption caused.
  io.signal.throwIfAborted();
  io.stdout(values.json ? jsonOut(runReportJson(report)) : formatRunTable(report));
  if (report.halted && report.preflight.record === "failed")
    io.stderr(
      `error: ${report.preflight.ok ? `no engine ran: preflight's record could not be written: ${report.preflight.record_error ?? "unknown"}` : report.preflight.summary}\n`,
    );
  await appendStepSummary(actions, formatRunMarkdown(report));
  return report.ok ? 0 : 1;
}
