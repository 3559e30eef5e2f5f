import { mkdir, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";

/** Where a record that could not be stored was kept, for the error message and the job summary. */
export interface UnwrittenRecord {
  /** The file holding the record's exact bytes. */
  file: string;
  /** The job summary the file was named in, when there is one. */
  summary?: string;
}

/**
 * Keeps a record that GitHub would not take (deadline passed, branch rules, ...), so that nothing
 * is silently gone: its exact bytes go to `<dir>/task-assistant-unwritten/<path with / as __>`, and
 * when `summaryFile` is set (GITHUB_STEP_SUMMARY on Actions) a section naming the file, the path it
 * belongs at and the reason is appended to the job summary. Emitting the file's record again later
 * is safe: an identical stored record counts as success.
 */
export async function keepUnwrittenRecord(input: {
  dir: string;
  telemetryRepo: string;
  path: string;
  text: string;
  reason: string;
  summaryFile?: string;
}): Promise<UnwrittenRecord> {
  const folder = join(input.dir, "task-assistant-unwritten");
  await mkdir(folder, { recursive: true });
  const file = join(folder, input.path.replaceAll("/", "__"));
  await writeFile(file, input.text, "utf8");
  if (input.summaryFile === undefined || input.summaryFile === "") return { file };
  await appendFile(
    input.summaryFile,
    [
      "### Telemetry record not written",
      "",
      `The record for \`${input.telemetryRepo}:${input.path}\` could not be stored: ${input.reason}`,
      "",
      `Its exact bytes are kept in \`${file}\`; store them at that path (or run the emit again) to complete the run's telemetry.`,
      "",
    ].join("\n"),
    "utf8",
  );
  return { file, summary: input.summaryFile };
}
