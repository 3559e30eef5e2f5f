import { resolve } from "node:path";
import { buildAndPublish, type BuildReport } from "../../dashboard/build-and-publish.js";
import { systemClock } from "../../util/clock.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { describeBuild } from "./describe-build.js";
import { splitTelemetryRepo, telemetryAccess } from "./telemetry-access.js";

const COMMAND = "dashboard build";

/** `task-assistant dashboard build`: one org's dashboards, published or written to `--out`. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      out: { type: "string" },
      checkout: { type: "string" },
      expect: { type: "string", multiple: true },
      strict: { type: "boolean" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const telemetryRepo = requireFlag(values.repo, "repo", COMMAND).trim();
  const [owner] = splitTelemetryRepo(telemetryRepo);
  const expectedRepos = (values.expect ?? []).map((name) => {
    const [expectOwner, repo] = splitTelemetryRepo(name, "--expect");
    return `${expectOwner}/${repo}`;
  });
  const publishing = values.out === undefined && values["dry-run"] !== true;
  const access = await telemetryAccess(io.env, (line) => io.stderr(line));
  const report = await buildAndPublish({
    telemetryRepo,
    gitUrl: access.endpoint.gitUrl,
    token: await access.tokenFor(telemetryRepo, publishing),
    outDir: values.out === undefined ? undefined : resolve(io.cwd, values.out),
    checkoutDir: values.checkout === undefined ? undefined : resolve(io.cwd, values.checkout),
    expectedRepos: expectedRepos.filter((name) => name.startsWith(`${owner}/`)),
    dryRun: values["dry-run"] === true,
    clock: systemClock,
    env: io.env,
  });
  io.stdout(values.json ? `${JSON.stringify(buildSummary(report), null, 2)}\n` : describeBuild(report));
  return values.strict && report.build.set.index.status === "invalid-telemetry" ? 1 : 0;
}

/** The machine-readable build report (`--json`). */
export function buildSummary(report: BuildReport) {
  const { build } = report;
  return {
    owner: build.set.index.owner,
    telemetry_repo: build.set.index.telemetry_repo,
    telemetry_commit: report.telemetryCommit,
    status: build.set.index.status,
    mode: build.mode,
    fallback: build.fallback ?? null,
    files_read: build.filesRead,
    published: report.published ? { commit: report.published.commit, files: report.published.changed } : null,
    written_to: report.writtenTo ?? null,
    skipped: report.skipped ?? null,
    repos: build.set.index.repos.map((row) => ({
      repository: row.repository,
      status: row.status,
      runs: row.runs,
      records: row.records,
      failure: row.failure,
      invalid_records: row.invalid_records,
    })),
  };
}
