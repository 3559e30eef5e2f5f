import { resolve } from "node:path";
import { DEFAULT_IDENTITY } from "../../dashboard/build-and-publish.js";
import { checkpointTelemetry, type CheckpointReport } from "../../telemetry-log/checkpoint-telemetry.js";
import { defaultOrigin } from "../../telemetry-log/log-files.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { splitTelemetryRepo, telemetryAccess } from "../dashboard/telemetry-access.js";
import { readSignerKey } from "./checkpoint-key.js";

const COMMAND = "telemetry checkpoint";

/**
 * `task-assistant telemetry checkpoint --repo O/T --key-file F [--origin NAME] [--checkout DIR]
 * [--dry-run] [--json]`: extends the repository's log with the records added since the last
 * checkpoint and publishes a new signed checkpoint. Exit 1 when it saw records changed, deleted or
 * inserted into old directories (they are reported, never logged).
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      "key-file": { type: "string" },
      origin: { type: "string" },
      checkout: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const [owner, name] = splitTelemetryRepo(values.repo ?? "", "--repo");
  const signer = await readSignerKey(values["key-file"], io.env, io.cwd);
  const origin = values.origin ?? defaultOrigin(owner, name);
  const access = await telemetryAccess(io.env, (line) => io.stderr(line));
  const dryRun = values["dry-run"] === true;
  const report = await checkpointTelemetry({
    remoteUrl: `${access.endpoint.gitUrl}/${owner}/${name}.git`,
    token: await access.tokenFor(`${owner}/${name}`, !dryRun),
    signer,
    origin,
    now: () => new Date(),
    checkoutDir: values.checkout === undefined ? undefined : resolve(io.cwd, values.checkout),
    identity: DEFAULT_IDENTITY,
    env: io.env,
    dryRun,
  });
  if (values.json) io.stdout(jsonOut(summary(report, origin)));
  else io.stdout(describe(report, `${owner}/${name}`, dryRun));
  return report.findings.length > 0 ? 1 : 0;
}

function summary(report: CheckpointReport, origin: string) {
  return {
    origin,
    telemetry_commit: report.telemetryCommit,
    previous_size: report.previousSize,
    size: report.size,
    appended: report.size - report.previousSize,
    published: report.published ?? null,
    checkpoint: report.checkpoint ?? null,
    findings: report.findings,
  };
}

function describe(report: CheckpointReport, repo: string, dryRun: boolean): string {
  const lines = [
    `${repo}: ${report.size} records in the log (${report.size - report.previousSize} new) at ${report.telemetryCommit.slice(0, 12)}`,
    report.published
      ? `published checkpoint in ${report.published.slice(0, 12)}`
      : dryRun
        ? "dry run: nothing published"
        : "nothing new to checkpoint",
    ...report.findings.map(
      (f) =>
        `TAMPERED ${f.kind}: ${f.path} in commit ${f.commit.slice(0, 12)} (not logged; run telemetry verify)`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
