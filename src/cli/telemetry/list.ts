import { UsageError } from "../../errors.js";
import { readRecordsFromApi } from "../../telemetry/read-records-api.js";
import { isCalendarDate } from "../../telemetry/record-path.js";
import { parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { formatRecordTable, orderRecordRows, type RecordRow } from "./format-record-table.js";
import { repoFlag, telemetryGitHub } from "./telemetry-github.js";

const COMMAND = "telemetry list";

/**
 * `task-assistant telemetry list --repo O/T [--target O/R] [--since DATE] [--ref REF] [--json]`: one
 * row (or JSON object) per record: runs in path order, each run's records in time order. Invalid files are counted on stderr; run
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
    await telemetryGitHub(io.env, io.signal, "read", (line) => io.stderr(line)),
    { repo: `${repo.owner}/${repo.repo}`, ...(values.ref ? { ref: values.ref } : {}) },
    { ...(target ? { target } : {}), ...(values.since ? { since: values.since } : {}) },
  );

  const rows: RecordRow[] = [];
  let skipped = 0;
  for await (const entry of entries) {
    if (entry.kind !== "record") {
      skipped += 1;
      continue;
    }
    const { record } = entry;
    rows.push({
      path: entry.path,
      generated_at: record.generated_at,
      target_repo: `${record.entity.owner}/${record.entity.repo}`,
      correlation_id: record.correlation_id,
      engine_name: record.engine_name,
      engine_ref: record.engine_ref,
      ok: record.ok,
      reason: record.event.reason,
    });
  }
  const ordered = orderRecordRows(rows);
  if (values.json) {
    io.stdout(
      ordered.length === 0
        ? "[]\n"
        : `[\n${ordered.map((row) => `  ${JSON.stringify(row)}`).join(",\n")}\n]\n`,
    );
  } else if (ordered.length === 0) io.stderr("no records\n");
  else io.stdout(formatRecordTable(ordered));
  if (skipped > 0) {
    io.stderr(
      `warning: ${skipped} file${skipped === 1 ? " is" : "s are"} not valid records; run \`task-assistant telemetry validate --repo ${repo.owner}/${repo.repo}\`\n`,
    );
  }
  return 0;
}
