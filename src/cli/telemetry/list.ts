import { UsageError } from "../../errors.js";
import { readRecordsFromApi } from "../../telemetry/read-records-api.js";
import { isCalendarDate } from "../../telemetry/record-path.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { repoFlag, telemetryGitHub } from "./telemetry-github.js";

const COMMAND = "telemetry list";

/**
 * `task-assistant telemetry list --repo O/T [--target O/R] [--since DATE] [--ref REF] [--json]`: one
 * line (or JSON object) per record, in path order. Invalid files are counted on stderr; run
 * `telemetry validate` for the details.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      target: { type: "string" },
      since: { type: "string" },
      ref: { type: "string" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const repo = repoFlag(values.repo, "repo", COMMAND);
  const target = values.target === undefined ? undefined : repoFlag(values.target, "target", COMMAND);
  if (values.since !== undefined && !isCalendarDate(values.since)) {
    throw new UsageError(`--since ${JSON.stringify(values.since)} is not a date`, {
      hint: "write the UTC date as YYYY-MM-DD",
    });
  }
  const entries = readRecordsFromApi(
    await telemetryGitHub(io.env, io.signal),
    { repo: `${repo.owner}/${repo.repo}`, ...(values.ref ? { ref: values.ref } : {}) },
    { ...(target ? { target } : {}), ...(values.since ? { since: values.since } : {}) },
  );

  let listed = 0;
  let skipped = 0;
  if (values.json) io.stdout("[");
  for await (const entry of entries) {
    if (entry.kind !== "record") {
      skipped += 1;
      continue;
    }
    const { record } = entry;
    if (values.json) {
      const item = {
        path: entry.path,
        generated_at: record.generated_at,
        target_repo: `${record.entity.owner}/${record.entity.repo}`,
        correlation_id: record.correlation_id,
        engine_name: record.engine_name,
        engine_ref: record.engine_ref,
        ok: record.ok,
        reason: record.event.reason,
      };
      io.stdout(`${listed === 0 ? "\n" : ",\n"}  ${JSON.stringify(item)}`);
    } else {
      const verdict = record.ok ? "ok    " : "FAILED";
      const reason = record.ok ? "" : `  ${record.event.reason ?? ""}`;
      io.stdout(
        `${record.generated_at}  ${verdict}  ${record.entity.owner}/${record.entity.repo}  ${record.correlation_id}  ${record.engine_name}  ${record.engine_ref}${reason}\n`,
      );
    }
    listed += 1;
  }
  if (values.json) io.stdout(listed === 0 ? "]\n" : "\n]\n");
  if (!values.json && listed === 0) io.stderr("no records\n");
  if (skipped > 0) {
    io.stderr(
      `warning: ${skipped} file${skipped === 1 ? " is" : "s are"} not valid records; run \`task-assistant telemetry validate --repo ${repo.owner}/${repo.repo}\`\n`,
    );
  }
  return 0;
}
