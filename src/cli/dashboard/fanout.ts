import { resolve } from "node:path";
import { fanoutDashboards, type OrgOutcome } from "../../dashboard/fanout-dashboards.js";
import { ExternalError, UsageError, ValidationError } from "../../errors.js";
import { createGitHub } from "../../github/octokit.js";
import { loadRegistry, type RegistrySource } from "../../runtime/registry-source.js";
import { normalizeCorrelationId, actionsCorrelationId } from "../../runtime/correlation-id.js";
import { ulidSource } from "../../runtime/id-source.js";
import { systemClock } from "../../util/clock.js";
import { parseCommandArgs } from "../args.js";
import { packageVersion } from "../runtime/package-info.js";
import type { CliIO } from "../command.js";
import { splitTelemetryRepo, telemetryAccess } from "./telemetry-access.js";

const COMMAND = "dashboard fanout";

/** `task-assistant dashboard fanout`: every registered org's dashboards, failure-isolated per org. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      "infra-repo": { type: "string" },
      registry: { type: "string" },
      org: { type: "string", multiple: true },
      "correlation-id": { type: "string" },
      "engine-ref": { type: "string" },
      "list-orgs": { type: "boolean" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  if ((values["infra-repo"] === undefined) === (values.registry === undefined)) {
    throw new UsageError("pass exactly one of --infra-repo and --registry", {
      hint: "e.g. --infra-repo acme-ops/task-assistant-infra, or --registry infra/telemetry-registry.v2.json",
    });
  }
  const access = await telemetryAccess(io.env, (line) => io.stderr(line));
  let source: RegistrySource;
  if (values["infra-repo"] !== undefined) {
    const [owner, name] = splitTelemetryRepo(values["infra-repo"], "--infra-repo");
    const issued = await access.tokens.issue({
      owner,
      repositories: [name],
      permissions: { contents: "read" },
    });
    source = {
      kind: "infra-repo",
      repo: `${owner}/${name}`,
      github: createGitHub({ baseUrl: access.endpoint.apiUrl, auth: issued.token }),
    };
  } else {
    source = { kind: "file", path: resolve(io.cwd, values.registry!) };
  }
  const loaded = await loadRegistry(source);
  if (loaded.kind === "unreadable") {
    throw new ExternalError(`cannot read the registry from ${loaded.source}: ${loaded.reason}`);
  }
  if (loaded.kind !== "loaded") {
    // Only a whole registry lists orgs; a per-repository answer (token broker) cannot drive a fanout.
    throw new UsageError(
      `${loaded.source} answers for one repository only; the fanout needs the whole registry`,
      {
        hint: "pass --infra-repo with credentials that may read the infra repository, or --registry FILE",
      },
    );
  }
  if (!loaded.snapshot.valid) {
    throw new ValidationError(
      `the registry ${loaded.source} is invalid; no dashboards were built`,
      loaded.snapshot.problems,
      {
        hint: "fix the registry through the infra workflow, then run the fanout again",
      },
    );
  }
  const wanted = values.org;
  let orgs = loaded.snapshot.enabledRepos();
  if (wanted !== undefined) {
    const known = new Set(orgs.map((org) => org.owner.toLowerCase()));
    const unknown = wanted.filter((name) => !known.has(name.toLowerCase()));
    if (unknown.length > 0) {
      throw new UsageError(`--org ${unknown[0]} has no enabled repositories in the registry`, {
        hint: "run with --list-orgs to see the orgs the registry enables",
      });
    }
    const lower = new Set(wanted.map((name) => name.toLowerCase()));
    orgs = orgs.filter((org) => lower.has(org.owner.toLowerCase()));
  }
  if (values["list-orgs"]) {
    io.stdout(
      values.json
        ? `${JSON.stringify(orgs.map((org) => org.owner))}\n`
        : orgs.map((org) => `${org.owner}\n`).join(""),
    );
    return 0;
  }

  const correlationId = correlationIdFrom(values["correlation-id"], io.env);
  // A real ref: the flag, the workflow's commit, else this CLI's release (as `engine run` records).
  const engineRef = (values["engine-ref"] ?? io.env.GITHUB_SHA ?? `v${await packageVersion()}`).trim();
  if (!/^\S+$/.test(engineRef)) {
    throw new UsageError(`--engine-ref ${JSON.stringify(values["engine-ref"] ?? "")} is not a ref`, {
      hint: "pass a tag or commit without spaces (e.g. v0.1.0), or leave it out to record this CLI's version",
    });
  }
  const onActions = io.env.GITHUB_ACTIONS === "true" && io.env.GITHUB_RUN_ID !== undefined;
  const outcomes = await fanoutDashboards({
    orgs,
    correlationId,
    engineRef,
    source: {
      runner: onActions ? "github-actions" : "local",
      workflow: "dashboard-fanout",
      job: "fanout",
      ...(onActions ? { run_id: io.env.GITHUB_RUN_ID!, run_attempt: io.env.GITHUB_RUN_ATTEMPT ?? "1" } : {}),
    },
    gitUrl: access.endpoint.gitUrl,
    async githubFor(org) {
      const [owner, name] = splitTelemetryRepo(org.telemetry_repo, "telemetry_repo");
      const issued = await access.tokens.issue({
        owner,
        repositories: [name],
        permissions: { contents: "write" },
      });
      return {
        github: createGitHub({ baseUrl: access.endpoint.apiUrl, auth: issued.token }),
        token: issued.token,
      };
    },
    clock: systemClock,
    env: io.env,
    onProgress: io.interactive
      ? (event) => {
          const step = `[${event.index + 1}/${event.total}]`;
          if (event.kind === "org-started") io.stderr(`${step} ${event.owner}: building…\n`);
          else io.stderr(`${step} ${describeOutcome(event.outcome)}\n`);
        }
      : undefined,
  });
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ correlation_id: correlationId, engine_ref: engineRef, orgs: outcomes, failed: failed.length }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      [
        `dashboard fanout ${correlationId}: ${outcomes.length - failed.length} of ${outcomes.length} org(s) built${failed.length > 0 ? `, ${failed.length} failed` : ""}`,
        ...outcomes.flatMap((outcome) => [
          `  ${describeOutcome(outcome)}`,
          ...(outcome.warnings ?? []).map((warning) => `    WARN: ${warning}`),
        ]),
        "",
      ].join("\n"),
    );
  }
  return failed.length > 0 ? 1 : 0;
}

function describeOutcome(outcome: OrgOutcome): string {
  const seconds = `${(outcome.ms / 1000).toFixed(1)} s`;
  if (!outcome.ok && outcome.status === undefined)
    return `${outcome.owner}: FAILED — ${outcome.error ?? "unknown error"} (${seconds})`;
  const publication = outcome.published_commit
    ? `published ${outcome.published_commit.slice(0, 12)}`
    : outcome.skipped === "unchanged"
      ? "unchanged"
      : "not published";
  const build = `${outcome.mode} build of ${outcome.files_read ?? 0} file(s)${outcome.fallback ? ` (${outcome.fallback})` : ""}`;
  const tail = outcome.ok ? "" : ` — FAILED: ${outcome.error ?? ""}`;
  return `${outcome.owner}: ${outcome.status}, ${build}, ${publication}, ${outcome.records} record(s) in ${outcome.telemetry_repo} (${seconds})${tail}`;
}

function correlationIdFrom(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined) {
    const checked = normalizeCorrelationId(flag);
    if (!checked.ok) throw new UsageError(`--correlation-id: ${checked.message}`, { hint: checked.hint });
    return checked.value;
  }
  if (env.GITHUB_RUN_ID && env.GITHUB_RUN_ATTEMPT) {
    return actionsCorrelationId({ run_id: env.GITHUB_RUN_ID, run_attempt: env.GITHUB_RUN_ATTEMPT });
  }
  return ulidSource(systemClock)();
}
