import { ExternalError, PolicyError, UsageError } from "../../errors.js";
import { createGitHub } from "../../github/octokit.js";
import { parseRepoName } from "../../runtime/repo-name.js";
import { describeResetStep } from "../../sandbox/plan-sandbox-reset.js";
import { resetSandbox } from "../../sandbox/reset-sandbox.js";
import { assertResettableSandbox, type SandboxResolution } from "../../sandbox/sandbox-guard.js";
import { jsonOut, parseCommandArgs, requireFlag } from "../args.js";
import type { CliIO } from "../command.js";
import { githubAccessFromEnv } from "../runtime/github-access.js";
import { readChosenRegistry, registryChoice } from "../runtime/registry-flags.js";

const COMMAND = "sandbox reset";

/** `task-assistant sandbox reset`: registry-gated, planned, confirmed. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: "string" },
      "infra-repo": { type: "string" },
      registry: { type: "string" },
      "dry-run": { type: "boolean" },
      confirm: { type: "boolean" },
      json: { type: "boolean" },
    },
    COMMAND,
  );
  const repoFlag = requireFlag(values.repo, "repo", COMMAND).trim();
  const target = parseRepoName(repoFlag);
  if (target === undefined) {
    throw new UsageError(`--repo ${JSON.stringify(repoFlag)} is not OWNER/REPO`, {
      hint: "e.g. --repo acme/widgets-sandbox",
    });
  }
  const dryRun = values["dry-run"] === true;
  if (dryRun === (values.confirm === true)) {
    throw new UsageError(
      dryRun ? "--dry-run and --confirm contradict each other" : "say --dry-run or --confirm",
      {
        hint: "run with --dry-run to see what the reset would do, then with --confirm to do it",
      },
    );
  }
  if (io.env.GITHUB_ACTIONS === "true") {
    throw new PolicyError("sandbox reset does not run inside GitHub Actions", {
      hint: "resetting a sandbox is an operator's deliberate act; run it from a terminal",
    });
  }
  const choice = registryChoice(values, io.env, COMMAND);
  const access = await githubAccessFromEnv(io.env, io.signal, (line) => io.stderr(line));
  const fullName = `${target.owner}/${target.repo}`;
  assertResettableSandbox(fullName, await resolveInRegistry(choice, access, io.cwd, fullName));

  const { token } = await access.tokens.issue({
    owner: target.owner,
    repositories: [target.repo],
    permissions: { issues: "write", contents: "read" },
  });
  const github = createGitHub({ baseUrl: access.baseUrl, auth: token, signal: io.signal });
  const report = await resetSandbox(github, target, {
    dryRun,
    comment:
      "Closed by `task-assistant sandbox reset`: this sandbox repository was returned to its pre-install " +
      "state so validation scenarios can run again.",
  });
  if (values.json) {
    io.stdout(jsonOut({ repo: report.repo, dry_run: report.dryRun, done: report.done, steps: report.steps }));
    return 0;
  }
  const verb = dryRun ? "would" : "did";
  io.stdout(
    report.steps.length === 0
      ? `${fullName} is already reset: nothing to do\n`
      : [
          `${dryRun ? "plan for" : "reset"} ${fullName} (${report.steps.length} step(s); telemetry and files untouched):`,
          ...report.steps.map((step) => `  ${verb} ${describeResetStep(step)}`),
          ...(dryRun ? ["run again with --confirm to carry it out"] : []),
          "",
        ].join("\n"),
  );
  return 0;
}

async function resolveInRegistry(
  choice: ReturnType<typeof registryChoice>,
  access: Awaited<ReturnType<typeof githubAccessFromEnv>>,
  cwd: string,
  fullName: string,
): Promise<SandboxResolution> {
  const loaded = await readChosenRegistry(choice, access, cwd, fullName);
  switch (loaded.kind) {
    case "loaded":
      return loaded.snapshot.resolve(fullName);
    case "answered":
      return loaded.answer;
    case "unreadable":
      throw new ExternalError(`cannot read the registry (${loaded.source}): ${loaded.reason}`, {
        hint: "check --infra-repo and the credentials that read it (TA_INFRA_TOKEN or the App)",
      });
  }
}
