import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gitEnv } from "../../dashboard/run-git.js";
import { syncCheckout } from "../../dashboard/telemetry-checkout.js";
import { UsageError } from "../../errors.js";
import { parseCheckpoint, type Checkpoint } from "../../tlog/checkpoint.js";
import { NoteFormatError, openNote, type NoteVerifier } from "../../tlog/signed-note.js";
import { defaultOrigin } from "../../telemetry-log/log-files.js";
import { verifyLog, type VerifyReport } from "../../telemetry-log/verify-log.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { splitTelemetryRepo, telemetryAccess } from "../dashboard/telemetry-access.js";
import { readVerifierKey } from "./checkpoint-key.js";

const COMMAND = "telemetry verify";

/**
 * `task-assistant telemetry verify (--repo O/T | --dir DIR) --key KEY [--origin NAME]
 * [--trusted-checkpoint FILE] [--ref REF] [--json]`. Exit 0 verified, 1 tampering found, 2 bad
 * input, 3 git or GitHub failed.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      dir: { type: "string" },
      key: { type: "string" },
      origin: { type: "string" },
      "trusted-checkpoint": { type: "string" },
      ref: { type: "string" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  if ((values.repo === undefined) === (values.dir === undefined)) {
    throw new UsageError("pass either --repo owner/name or --dir CLONE", {
      hint: `see \`task-assistant ${COMMAND} --help\``,
    });
  }
  const repo = values.repo === undefined ? undefined : splitTelemetryRepo(values.repo, "--repo");
  if (repo === undefined && values.origin === undefined) {
    throw new UsageError("--dir needs --origin", {
      hint: "name the log's origin, e.g. task-assistant.telemetry/acme/telemetry",
    });
  }
  const origin = values.origin ?? defaultOrigin(repo![0], repo![1]);
  const verifier = await readVerifierKey(values.key, io.cwd);
  const trusted =
    values["trusted-checkpoint"] === undefined
      ? undefined
      : await readTrusted(
          resolve(io.cwd, values["trusted-checkpoint"]),
          values["trusted-checkpoint"],
          verifier,
          origin,
        );

  let report: VerifyReport;
  if (values.dir !== undefined) {
    const dir = resolve(io.cwd, values.dir);
    if (!(await stat(join(dir, ".git")).catch(() => undefined))) {
      throw new UsageError(`--dir ${values.dir} is not a git clone`, {
        hint: "clone the telemetry repository and pass its directory",
      });
    }
    report = await verifyLog({ cwd: dir, env: gitEnv(io.env), ref: values.ref, verifier, origin, trusted });
  } else {
    const [owner, name] = repo!;
    const access = await telemetryAccess(io.env, (line) => io.stderr(line));
    const dir = await mkdtemp(join(tmpdir(), "task-assistant-verify-"));
    try {
      const checkout = await syncCheckout({
        dir,
        remoteUrl: `${access.endpoint.gitUrl}/${owner}/${name}.git`,
        token: await access.tokenFor(`${owner}/${name}`, false),
        env: io.env,
        // Verify reads every record of the log.
        allBlobs: true,
      });
      report = await verifyLog({
        cwd: dir,
        env: checkout.env,
        ref: values.ref ?? checkout.head,
        verifier,
        origin,
        trusted,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  io.stdout(values.json ? jsonOut(report) : describe(report));
  return report.ok ? 0 : 1;
}

async function readTrusted(
  path: string,
  shown: string,
  verifier: NoteVerifier,
  origin: string,
): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read --trusted-checkpoint ${shown}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`,
      {
        hint: "pass the checkpoint file you kept from an earlier verify",
      },
    );
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(text, verifier).text);
  } catch (error) {
    if (!(error instanceof NoteFormatError)) throw error;
    throw new UsageError(`--trusted-checkpoint ${shown}: ${error.message}`, {
      hint: "pass a checkpoint signed by the log's key, exactly as it was stored in telemetry/v1/checkpoints/checkpoint",
    });
  }
  if (checkpoint.origin !== origin) {
    throw new UsageError(
      `--trusted-checkpoint ${shown} is for origin ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`,
      {
        hint: "pass a checkpoint of this repository's log, or --origin when the log uses another origin",
      },
    );
  }
  return checkpoint;
}

function describe(report: VerifyReport): string {
  const lines = [
    `${report.origin} at ${report.head.slice(0, 12)}: ${report.size} records under ${report.checkpoints} checkpoint${report.checkpoints === 1 ? "" : "s"}, ${report.recordsVerified} recomputed`,
  ];
  if (report.trusted) {
    lines.push(
      `trusted checkpoint of ${report.trusted.size} records: ${report.trusted.extended ? "extended" : "NOT extended"}`,
    );
  }
  if (report.pending.length > 0) lines.push(`${report.pending.length} newer record(s) not yet checkpointed`);
  for (const finding of report.findings) {
    lines.push(
      `TAMPERED ${finding.kind}: ${finding.path}${finding.commit ? ` (commit ${finding.commit})` : ""}: ${finding.message}`,
    );
  }
  lines.push(
    report.ok
      ? "verified"
      : `${report.findings.length} finding(s): the log or the records were tampered with`,
  );
  return `${lines.join("\n")}\n`;
}
