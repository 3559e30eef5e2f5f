import { UsageError } from "../../errors.js";
import { callGitHub, httpStatus, operatorGitHub } from "../../infra/infra-github.js";
import { protectBranch } from "../../infra/protect-branch.js";
import { planTelemetryProtection } from "../../telemetry/plan-telemetry-protection.js";
import { jsonOut, parseCommandArgs } from "../args.js";
import type { CliIO } from "../command.js";
import { splitTelemetryRepo } from "../dashboard/telemetry-access.js";
import { resolveAppSlug } from "../runtime/loop-guard-settings.js";

const COMMAND = "telemetry protect";

/** `task-assistant telemetry protect --repo O/T [--app-slug SLUG] [--dry-run] [--json]` */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      "app-slug": { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  if (values.repo === undefined) {
    throw new UsageError("--repo is required", {
      hint: "name the org's telemetry repository, e.g. --repo acme/task-assistant-telemetry",
    });
  }
  const [owner, repo] = splitTelemetryRepo(values.repo);
  const app = await resolveAppSlug(values["app-slug"], io.env);
  const github = await operatorGitHub(io.env, (line) => io.stderr(line));
  const repository = `${owner}/${repo}`;
  const { data } = await callGitHub(`read ${repository}`, async () => {
    try {
      return await github.rest.repos.get({ owner, repo });
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      throw new UsageError(`${repository} does not exist, or the token cannot see it`, {
        hint: "create the telemetry repository first, and use a token of one of its administrators (GH_TOKEN)",
        cause: error,
      });
    }
  });
  const organization = data.owner.type === "Organization";
  const dryRun = values["dry-run"] === true;
  const result = await protectBranch(
    github,
    { owner, repo, branch: data.default_branch },
    (current) => planTelemetryProtection(current, { app, organization }),
    { dryRun },
  );
  const report = {
    repository: result.repository,
    branch: result.branch,
    app,
    dry_run: dryRun,
    changed: result.changed,
    changes: result.changes,
    settings: result.settings,
    not_enforceable: result.plan.not_enforceable,
    warnings: result.plan.warnings,
  };
  if (values.json) {
    io.stdout(jsonOut(report));
    return 0;
  }
  const head = !result.changed
    ? `${result.branch} of ${result.repository} was already protected; nothing changed`
    : dryRun
      ? `dry run: would protect ${result.branch} of ${result.repository}; nothing was changed`
      : `protected ${result.branch} of ${result.repository}`;
  io.stdout(
    [
      head,
      ...result.changes.map((change) => `  ${dryRun ? "would set" : "set"}: ${change}`),
      ...result.settings.map(
        (setting) => `  ${dryRun && result.changed ? "then in force" : "in force"}: ${setting}`,
      ),
      ...result.plan.not_enforceable.map((line) => `  not enforceable: ${line}`),
      ...result.plan.warnings.map((line) => `  warning: ${line}`),
      "",
    ].join("\n"),
  );
  return 0;
}
