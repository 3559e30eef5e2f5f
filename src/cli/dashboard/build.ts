import { resolve } from "node:path";
import { buildAndPublish, type BuildReport } from "../../dashboard/build-and-publish.js";
import { checkRegisteredTelemetryRepo } from "../../dashboard/check-telemetry-repo.js";
import { ExternalError, UsageError, ValidationError } from "../../errors.js";
import { createGitHub } from "../../github/octokit.js";
import { loadRegistry, type RegistrySource } from "../../runtime/registry-source.js";
import { systemClock } from "../../util/clock.js";
import { parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { describeBuild } from "./describe-build.js";
import { splitTelemetryRepo, telemetryAccess, type TelemetryAccess } from "./telemetry-access.js";

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
      registry: { type: "string" },
      "infra-repo": { type: "string" },
    },
    COMMAND,
  );
  const telemetryRepo = requireFlag(values.repo, "repo", COMMAND).trim();
  const [owner] = splitTelemetryRepo(telemetryRepo);
  if (values.registry !== undefined && values["infra-repo"] !== undefined) {
    throw new UsageError("--registry and --infra-repo both name a registry", {
      hint: "pass one of them: a local registry file, or the infra repository to read it from",
    });
  }
  const expectedRepos = (values.expect ?? []).map((name) => {
    const [expectOwner, repo] = splitTelemetryRepo(name, "--expect");
    return `${expectOwner}/${repo}`;
  });
  const publishing = values.out === undefined && values["dry-run"] !== true;
  const access = await telemetryAccess(io.env, (line) => io.stderr(line));
  // With a registry at hand, only the telemetry repository it names for the org is built; without
  // one, a repository with no record tree is refused. Either way, nothing lands in a host repository.
  const confirmed =
    values.registry !== undefined || values["infra-repo"] !== undefined
      ? await confirmTelemetryRepo(telemetryRepo, values, access, io.cwd)
      : false;
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
    requireRecordsTree: !confirmed,
  });
  io.stdout(values.json ? `${JSON.stringify(buildSummary(report), null, 2)}\n` : describeBuild(report));
  // --strict fails on invalid records, also where failing runs give a repository a worse status.
  const { index } = report.build.set;
  const invalid = index.problems.count > 0 || index.repos.some((row) => row.health.records === "invalid");
  return values.strict && invalid ? 1 : 0;
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
      health: row.health,
      runs: row.runs,
      records: row.records,
      failure: row.failure,
      invalid_records: row.invalid_records,
    })),
  };
}

/** Reads the registry named by `--registry`/`--infra-repo` and checks `telemetryRepo` against it. */
async function confirmTelemetryRepo(
  telemetryRepo: string,
  values: { registry?: string | undefined; "infra-repo"?: string | undefined },
  access: TelemetryAccess,
  cwd: string,
): Promise<true> {
  let source: RegistrySource;
  if (values["infra-repo"] !== undefined) {
    const [infraOwner, infraName] = splitTelemetryRepo(values["infra-repo"], "--infra-repo");
    const issued = await access.tokens.issue({
      owner: infraOwner,
      repositories: [infraName],
      permissions: { contents: "read" },
    });
    source = {
      kind: "infra-repo",
      repo: `${infraOwner}/${infraName}`,
      github: createGitHub({ baseUrl: access.endpoint.apiUrl, auth: issued.token }),
    };
  } else {
    source = { kind: "file", path: resolve(cwd, values.registry!), label: values.registry! };
  }
  const loaded = await loadRegistry(source);
  if (loaded.kind === "unreadable") {
    throw new ExternalError(`cannot read the registry from ${loaded.source}: ${loaded.reason}`);
  }
  if (loaded.kind !== "loaded" || loaded.snapshot.registry === undefined) {
    throw new ValidationError(
      `the registry ${loaded.source} is invalid; no dashboards were built`,
      loaded.kind === "loaded" ? loaded.snapshot.problems : [],
      { hint: "fix the registry through the infra workflow, then build again" },
    );
  }
  checkRegisteredTelemetryRepo(loaded.snapshot.registry, telemetryRepo);
  return true;
}
